// `biglm inspect <run-dir | shard.arrow>`: schema, counts, drop reasons, the first documents decoded back to text.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCommand, intOption, UsageError } from '../args.js';
import { readShardDocs, readShardSchema, shardTokenizer } from '../../formats/token-shards/read.js';
import { getEncoding, listEncodings } from '../../tokenizer/index.js';
import { existsSync } from 'node:fs';
import { runPaths } from '../../pipeline/runner/layout.js';
import { manifestEncodingName } from '../../pipeline/runner/finalize.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';
import { inspectSections } from '../../pipeline/inspect.js';
import { reportPath } from '../../pipeline/report/report-file.js';

export const INSPECT_HELP = `biglm inspect <run-dir | shard.arrow> [--docs N] [--chars N]

Show a run's counts, drops by stage and reason (with examples), its shards and the first documents
decoded back to text; or a single shard's schema, row count and first documents.

  --docs N    documents to decode (default 3)
  --chars N   characters shown per document (default 300)`;

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, { docs: { type: 'string' }, chars: { type: 'string' } }, INSPECT_HELP);
  if (wantsHelp) {
    console.log(INSPECT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run directory or shard\n\n${INSPECT_HELP}`);
  const target = positionals[0];
  const docs = intOption(values.docs, 'docs', 0) ?? 3;
  const chars = intOption(values.chars, 'chars') ?? 300;
  const st = await fs.stat(target).catch(() => {
    throw new UsageError(`${target} does not exist`);
  });
  if (st.isDirectory()) {
    await inspectRun(target, docs, chars);
  } else {
    await inspectShard(target, docs, chars, undefined);
  }
  return 0;
}

async function inspectRun(runDir: string, docs: number, chars: number): Promise<void> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await fs.readFile(runPaths.manifest(runDir), 'utf8')) as Manifest;
  } catch {
    throw new UsageError(`${runDir} has no manifest.json: the run has not finished; rerun its prepare command to complete it`);
  }
  console.log(`run ${runDir}`);
  const report = reportPath(runDir);
  console.log(existsSync(report) ? `report: ${report}` : `report: ${report} (not written yet; \`biglm report ${runDir}\` writes it)`);
  console.log(await fs.readFile(runPaths.report(runDir), 'utf8'));
  for (const section of await inspectSections(runDir)) {
    console.log(section);
  }
  console.log(`shards (${manifest.shards.length})`);
  for (const s of manifest.shards.slice(0, 20)) {
    console.log(`  ${s.path}  ${s.documents} docs  ${s.tokens} tokens  ${s.bytes} bytes  sha256 ${s.sha256.slice(0, 16)}…`);
  }
  if (manifest.shards.length > 20) console.log(`  … ${manifest.shards.length - 20} more`);
  if (manifest.shards.length > 0 && docs > 0) {
    console.log('');
    await inspectShard(path.join(runDir, manifest.shards[0].path), docs, chars, manifestEncodingName(runDir, manifest));
  }
}

async function inspectShard(file: string, docs: number, chars: number, tokenizerName: string | undefined): Promise<void> {
  const schema = await readShardSchema(file);
  const info = shardTokenizer(schema);
  console.log(`shard ${file}`);
  console.log(`schema: ${schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}`);
  if (info) console.log(`tokenizer: ${info.name} (vocabulary ${info.vocabSize}, EOS ${info.eosId})`);
  let rows = 0;
  let tokens = 0;
  for await (const d of readShardDocs(file)) {
    rows++;
    tokens += d.tokens.length;
  }
  console.log(`rows: ${rows}, tokens: ${tokens}`);
  // A shard alone: a built-in by name, or the trained vocabulary of the run the shard sits in.
  const runTokenizer = path.join(path.dirname(file), '..', 'tokenizer');
  const name = tokenizerName ?? (info && listEncodings().includes(info.name) ? info.name : existsSync(runTokenizer) ? runTokenizer : undefined);
  if (!name || docs === 0) return;
  const enc = getEncoding(name);
  let shown = 0;
  for await (const d of readShardDocs(file)) {
    if (shown++ >= docs) break;
    const text = enc.decode(d.tokens);
    console.log(`\n--- ${d.id} (${d.source}, ${d.tokens.length} tokens)`);
    console.log(text.length > chars ? `${text.slice(0, chars)}…` : text);
  }
  enc.free();
}
