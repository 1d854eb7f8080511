import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BucketWriter, bucketPath, decodeRecord, readBucket } from '../../pipeline/mix/buckets.js';

describe('shuffle buckets on disk', () => {
  it.each([2, 4] as const)('round-trip records of %i-byte tokens, odd-length ids and records larger than the write buffer', (tokenBytes) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-buckets-'));
    try {
      const make = (n: number, seed: number) => {
        const t = tokenBytes === 2 ? new Uint16Array(n) : new Uint32Array(n);
        for (let i = 0; i < n; i++) t[i] = (i * 2654435761 + seed) % (tokenBytes === 2 ? 65536 : 200_000);
        return t;
      };
      const docs = [
        { id: 'a', source: 'brown/ca01', tokens: make(7, 1) },
        { id: 'ünïcode-ид', source: 's', tokens: make(1, 2) },
        { id: 'big', source: 'x', tokens: make(70_000, 3) }, // > the 64 KiB minimum buffer per bucket
        { id: 'b~rep1', source: '', tokens: make(0, 4) },
      ];
      const w = new BucketWriter(dir, 2, tokenBytes, 1);
      docs.forEach((d, i) => w.write(i % 2, d.id, d.source, d.tokens));
      w.close();
      const back = [0, 1].flatMap((b) => {
        const { buf, offsets } = readBucket(bucketPath(dir, b), tokenBytes);
        expect(offsets.every((o) => o % 4 === 0)).toBe(true);
        return Array.from(offsets, (o) => decodeRecord(buf, o, tokenBytes));
      });
      const expected = [docs[0], docs[2], docs[1], docs[3]];
      expect(back.map((d) => [d.id, d.source, Array.from(d.tokens)])).toEqual(expected.map((d) => [d.id, d.source, Array.from(d.tokens)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
