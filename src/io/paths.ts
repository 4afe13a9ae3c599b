/**
 * Where ids become path segments. Ids are validated (`AGENT_ID_PATTERN`) before any of these
 * is called, so no id can climb out of its folder.
 */

/** Agent ids must match this before they name a folder (contract section 2). */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The folder an agent's files live in: `agent_<a>`, where an id that already begins with
 * `agent_` is used as it is (Phase 20 names folders `agent_0` for agent id `agent_0`).
 * @throws RangeError when `agentId` does not match {@link AGENT_ID_PATTERN}.
 */
export function agentFolderName(agentId: string): string {
  if (!AGENT_ID_PATTERN.test(agentId)) throw new RangeError(`invalid agent id for a folder name: ${JSON.stringify(agentId)}`);
  return agentId.startsWith('agent_') ? agentId : `agent_${agentId}`;
}

/** The folder of a wave: `wave_<w>`. @throws RangeError unless `wave` is an integer >= 1. */
export function waveFolderName(wave: number): string {
  if (!Number.isInteger(wave) || wave < 1) throw new RangeError(`invalid wave number: ${wave}`);
  return `wave_${wave}`;
}
