/** A small seeded PRNG (mulberry32), so that every fuzz run with the same seed sees the same inputs. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) { this.state = seed >>> 0; }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }

  /** An integer in [0, n). */
  below(n: number): number { return Math.floor(this.next() * n); }

  chance(p: number): boolean { return this.next() < p; }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)];
  }

  /** Picks by weight: `[[3, a], [1, b]]` gives a three times out of four. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of choices) { if ((r -= w) < 0) return v; }
    return choices[choices.length - 1][1];
  }

  /** A derived generator, so that one input's choices do not shift every later input's. */
  fork(salt: number): Rng { return new Rng(hash32(this.seed, salt)); }
}

/** Mixes two 32-bit numbers into one seed. */
export function hash32(a: number, b: number): number {
  let h = Math.imul((a >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ (b >>> 0);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded float generator in [0, 1) (the same mulberry32 as Rng), as a plain function. */
export function prng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** xorshift32: a seeded generator of 32-bit integers, so that every run sees the same bytes. */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}
