import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/rng.js';

describe('Rng', () => {
  it('gives the same stream for the same seed parts and a different one otherwise', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(1, 'x', 2)));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(1, 'x', 2)));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(1, 'x', 3)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Rng('1', '23').next()).not.toBe(new Rng('12', '3').next());
  });

  it('draws uniform integers in range', () => {
    const r = new Rng(7);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[r.int(0, 4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
