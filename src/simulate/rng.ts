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

/** UTF-16 units of the key text's separators. */
const PIPE = 0x7c;
const COLON = 0x3a;

/** cyrb53's initial lanes (xor its seed). */
const CYRB53_H1 = 0xdeadbeef;
const CYRB53_H2 = 0x41c6ce57;

/**
 * {@link cyrb53} fed piece by piece: after `reset`, feeding pieces then `digest` gives cyrb53 of
 * their concatenation, without building the text (cyrb53 itself is this over one text). A run draws three times per attempt,
 * and building each key's text (and flattening it to hash it) was most of a draw's cost (issue 10).
 */
class Cyrb53Stream {
  #h1 = 0;
  #h2 = 0;

  /** Starts from a state {@link state} gave (or cyrb53's initial one). */
  reset(h1: number, h2: number): this {
    this.#h1 = h1;
    this.#h2 = h2;
    return this;
  }

  /** The two lanes so far. */
  state(): readonly [number, number] {
    return [this.#h1, this.#h2];
  }

  /** One UTF-16 unit. */
  unit(ch: number): this {
    this.#h1 = Math.imul(this.#h1 ^ ch, 2654435761);
    this.#h2 = Math.imul(this.#h2 ^ ch, 1597334677);
    return this;
  }

  text(text: string): this {
    for (let i = 0; i < text.length; i++) this.unit(text.charCodeAt(i));
    return this;
  }

  /** `String(n)`'s units: digits by hand for integers 0 to 2^31 - 1, else the string. */
  number(n: number): this {
    if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 31)) return this.text(String(n));
    let power = 1;
    while (power * 10 <= n) power *= 10;
    // Powers of ten below 2^53 are exact, and so is each division by 10 down to 1.
    for (; power >= 1; power /= 10) this.unit(0x30 + (Math.floor(n / power) % 10));
    return this;
  }

  /** cyrb53's finalizer: an integer in [0, 2^53). */
  digest(): number {
    let h1 = this.#h1;
    let h2 = this.#h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}

/**
 * cyrb53: a fast 53-bit string hash with good avalanche (bryc, github.com/bryc/code, public
 * domain). Returns an integer in [0, 2^53).
 */
export function cyrb53(text: string, seed = 0): number {
  return new Cyrb53Stream().reset(CYRB53_H1 ^ seed, CYRB53_H2 ^ seed).text(text).digest();
}

/** The unambiguous text a key hashes from: every string field is length-prefixed. */
export function encodeKey(seed: number, key: DrawKey): string {
  return `${seed}|${key.wave}|${key.taskId.length}:${key.taskId}|${key.agentId.length}:${key.agentId}|${key.attempt}|${key.purpose}`;
}

/**
 * Creates the keyed generator for `seed`. A draw is `cyrb53(encodeKey(seed, key)) / 2^53`
 * (test/simulate/rng.test.ts checks it on random keys), hashed from the key's fields without
 * building the text.
 *
 * @param seed - any safe integer; the CLI default is 21.
 * @throws RangeError when `seed` is not a safe integer.
 */
export function createKeyedRandom(seed: number): KeyedRandom {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  // The seed enters through the key text only. Feeding it to cyrb53's own seed lane as well
  // would let it cancel against the key's first character (0xdeadbeef ^ 1 ^ '1' equals
  // 0xdeadbeef ^ 2 ^ '2'), so seeds 1 and 2 would draw alike.
  const stream = new Cyrb53Stream();
  // The state after `${seed}|`, the start of every key's text.
  const [h1, h2] = stream.reset(CYRB53_H1, CYRB53_H2).text(String(seed)).unit(PIPE).state();
  /** The draw of `key` with `suffix` after its purpose, in [0, 1). */
  const draw = (key: DrawKey, suffix: string): number =>
    stream
      .reset(h1, h2)
      .number(key.wave)
      .unit(PIPE)
      .number(key.taskId.length)
      .unit(COLON)
      .text(key.taskId)
      .unit(PIPE)
      .number(key.agentId.length)
      .unit(COLON)
      .text(key.agentId)
      .unit(PIPE)
      .number(key.attempt)
      .unit(PIPE)
      .text(key.purpose)
      .text(suffix)
      .digest() / TWO_POW_53;
  return {
    seed,
    uniform: (key: DrawKey): number => draw(key, ''),
    normal(key: DrawKey): number {
      // Box-Muller on the purposes `${purpose}-u1` and `-u2`; 1 - u keeps the logarithm's
      // argument in (0, 1].
      const u1 = 1 - draw(key, '-u1');
      const u2 = draw(key, '-u2');
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}
