/**
 * A small seeded random number generator (mulberry32): the same seed gives the same sequence on
 * every machine, so a shuffle, an initialisation or a training run can be replayed exactly.
 * Not for cryptography. Used by the training katas (15, 16) and `npm run train`.
 */

/**
 * A function returning numbers in [0, 1), like `Math.random`, determined by `seed`.
 * @param seed any whole number (taken modulo 2^32)
 * @throws RangeError when seed is not a whole number
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new RangeError(`seededRandom: seed must be a whole number, but got ${String(seed)}`);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
