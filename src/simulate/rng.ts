/**
 * The keyed, seeded random source of the simulated world (contract section 3).
 *
 * A draw is a pure function of (seed, wave, task_id, agent_id, attempt, purpose): it never
 * depends on scheduling order, strategy, concurrency or how many draws came before. Two runs
 * with one seed therefore meet the same luck (common random numbers), and changing one task
 * shifts no other task's draws.
 *
 * Construction: the key's fields are length-prefixed into one string (so no two keys share
 * an encoding), hashed to 53 bits with cyrb53 (bryc, public domain: two 32-bit multiply-xor
 * lanes with a murmur3-style finalizer), and divided by 2^53 to give a uniform double in
 * [0, 1). Normal variates use Box-Muller on two such uniforms with distinct purposes.
 */

/** What a draw is for; part of the key, so each purpose is an independent stream. */
export type DrawPurpose =
  | 'success'
  | 'duration-u1'
  | 'duration-u2'
  | 'jitter'
  | (string & { readonly __purpose?: never });

/** The identity of one draw. `attempt` is 0 for the first try. */
export interface DrawKey {
  readonly wave: number;
  readonly taskId: string;
  readonly agentId: string;
  readonly attempt: number;
  readonly purpose: DrawPurpose;
}

/** A seeded source of keyed draws. Implementations must be pure in (seed, key). */
export interface KeyedRandom {
  /** The seed every draw is keyed with. */
  readonly seed: number;
  /** Uniform on [0, 1). */
  uniform(key: DrawKey): number;
  /** Standard normal (mean 0, variance 1). Uses purposes `${purpose}-u1` and `${purpose}-u2`. */
  normal(key: DrawKey): number;
}

const TWO_POW_53 = 2 ** 53;

/**
 * cyrb53: a fast 53-bit string hash with good avalanche (bryc, github.com/bryc/code, public
 * domain). Returns an integer in [0, 2^53).
 */
export function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The unambiguous text a key hashes from: every string field is length-prefixed. */
export function encodeKey(seed: number, key: DrawKey): string {
  return `${seed}|${key.wave}|${key.taskId.length}:${key.taskId}|${key.agentId.length}:${key.agentId}|${key.attempt}|${key.purpose}`;
}

/**
 * Creates the keyed generator for `seed`.
 *
 * @param seed - any safe integer; the CLI default is 21.
 * @throws RangeError when `seed` is not a safe integer.
 */
export function createKeyedRandom(seed: number): KeyedRandom {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  // The seed enters through the key text only. Feeding it to cyrb53's own seed lane as well
  // would let it cancel against the key's first character (0xdeadbeef ^ 1 ^ '1' equals
  // 0xdeadbeef ^ 2 ^ '2'), so seeds 1 and 2 would draw alike.
  const uniform = (key: DrawKey): number => cyrb53(encodeKey(seed, key)) / TWO_POW_53;
  return {
    seed,
    uniform,
    normal(key: DrawKey): number {
      // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const u1 = 1 - uniform({ ...key, purpose: `${key.purpose}-u1` });
      const u2 = uniform({ ...key, purpose: `${key.purpose}-u2` });
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}
