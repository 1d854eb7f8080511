import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { runMixFile } from '../../pipeline/mix/mix.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { manifestEncodingName } from '../../pipeline/runner/finalize.js';
import { memoryLogger } from '../../lib/log.js';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-mix-lineage-'));
  await writeTextRun({ runDir: path.join(root, 'runs', 'a'), texts: await brownTexts(/^cf/, 1), tokens: 8_000 });
  // A run whose tokenizer is a vocabulary trained inside it: its manifest points at the folder.
  const manifestPath = path.join(root, 'runs', 'a', 'manifest.json');
  const manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8'));
  manifest.tokenizer.path = 'tokenizer';
  manifest.notes = 'a field the mixer does not know';
  await fs.writeFile(manifestPath, JSON.stringify(manifest));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('lineage of a mixed run', () => {
  it('reads source manifests as written, keeping fields it does not check', async () => {
    const run = await readRunManifest(path.join(root, 'runs', 'a'));
    expect(run.manifest.tokenizer.path).toBe('tokenizer');
    expect((run.manifest as unknown as { notes: string }).notes).toBe('a field the mixer does not know');
  });

  it("points a trained tokenizer's path from the mixed run back to the vocabulary in the source run", async () => {
    const file = parseMixFile({ mixtures: [{ name: 'm', sources: [{ run: 'runs/a', weight: 1 }] }] }, root);
    const [m] = await runMixFile(file, { out: path.join(root, 'mixes', 'deep'), log: memoryLogger() });
    expect(m.tokenizer.path).toBe(path.join('..', '..', '..', 'runs', 'a', 'tokenizer'));
    expect(manifestEncodingName(path.join(root, 'mixes', 'deep', 'm'), m)).toBe(path.join(root, 'runs', 'a', 'tokenizer'));
  });
});
