import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportRun } from '../../pipeline/export/index.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { readShardDocs } from '../../formats/token-shards/read.js';

// The .idx read the way Megatron-LM's _IndexReader reads it (numpy.frombuffer at the same offsets), in
// Python, when python3 with numpy is installed; skipped otherwise.
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const READER = `
import sys, json, struct, numpy
prefix = sys.argv[1]
with open(prefix + ".idx", "rb") as f:
    assert f.read(9) == b"MMIDIDX\\x00\\x00"
    assert struct.unpack("<Q", f.read(8))[0] == 1
    code = struct.unpack("<B", f.read(1))[0]
    dtype = {1: numpy.uint8, 2: numpy.int8, 3: numpy.int16, 4: numpy.int32, 5: numpy.int64, 6: numpy.float64, 7: numpy.float32, 8: numpy.uint16}[code]
    seqs = struct.unpack("<Q", f.read(8))[0]
    docs = struct.unpack("<Q", f.read(8))[0]
    offset = f.tell()
buf = memoryview(numpy.memmap(prefix + ".idx", mode="r", order="C"))
lengths = numpy.frombuffer(buf, dtype=numpy.int32, count=seqs, offset=offset)
pointers = numpy.frombuffer(buf, dtype=numpy.int64, count=seqs, offset=offset + lengths.nbytes)
doc_idx = numpy.frombuffer(buf, dtype=numpy.int64, count=docs, offset=offset + lengths.nbytes + pointers.nbytes)
data = memoryview(numpy.memmap(prefix + ".bin", mode="r", order="C"))
out = [numpy.frombuffer(data, dtype=dtype, count=int(lengths[i]), offset=int(pointers[i])).tolist() for i in range(seqs)]
print(json.dumps({"code": code, "doc_idx": doc_idx.tolist(), "sequences": out}))
`;

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-numpy-'));
  await writeTextRun({ runDir: path.join(root, 'run'), texts: await brownTexts(/^ch/, 2), tokens: 20_000, shardMaxBytes: 16_000 });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe.skipIf(!hasNumpy)("Megatron export read with Megatron's numpy index reader", () => {
  it('gives back every document of the run', async () => {
    const prefix = path.join(root, 'out', 'text_document');
    await exportRun(path.join(root, 'run'), 'megatron', prefix);
    const py = spawnSync('python3', ['-c', READER, prefix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.status, py.stderr).toBe(0);
    const read = JSON.parse(py.stdout) as { code: number; doc_idx: number[]; sequences: number[][] };
    const run = await readRunManifest(path.join(root, 'run'));
    const docs: number[][] = [];
    for (const s of run.manifest.shards) for await (const d of readShardDocs(path.join(run.dir, s.path))) docs.push(Array.from(d.tokens));
    expect(read.code).toBe(8);
    expect(read.sequences).toEqual(docs);
    expect(read.doc_idx).toEqual(docs.map((_, i) => i).concat(docs.length));
  });
});
