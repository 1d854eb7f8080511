// Export to datatrove's tokenized file format (what its DocumentTokenizer writes and its
// DatatroveFolderDataset reads): `<prefix>.ds` with every token as little-endian uint16 (uint32 for
// vocabularies over 16 bits), `<prefix>.ds.index` with each document's end offset in tokens as uint64,
// and `<prefix>.ds.metadata` ("<tokenizer>|<token size>", the token count, the count in words).
// Documents keep their EOS at the end. Streaming in both files.

import * as path from 'node:path';
import { shardDocs } from '../shards/read.js';
import { writeFileAtomic } from '../core/atomic.js';
import type { SourceRun } from '../mix/source-run.js';
import { BinaryFile } from './binary-file.js';
import type { ExportSummary } from './megatron.js';

export async function exportDatatrove(run: SourceRun, prefix: string): Promise<ExportSummary & { tokenSize: 2 | 4 }> {
  const base = prefix.endsWith('.ds') ? prefix : `${prefix}.ds`;
  const tokenSize = run.manifest.tokenizer.tokenWidth === 16 ? 2 : 4;
  const ds = new BinaryFile(base);
  const index = new BinaryFile(`${base}.index`);
  const end = new BigUint64Array(1);
  let documents = 0;
  let tokens = 0;
  try {
    for (const shard of run.manifest.shards) {
      for await (const doc of shardDocs(path.join(run.dir, shard.path))) {
        ds.write(doc.tokens);
        tokens += doc.tokens.length;
        end[0] = BigInt(tokens);
        index.write(end);
        documents++;
      }
    }
  } catch (e) {
    ds.abort();
    index.abort();
    throw e;
  }
  const files = [ds.close(), index.close()];
  const metadata = `${base}.metadata`;
  await writeFileAtomic(metadata, [`${run.manifest.tokenizer.name}|${tokenSize}`, String(tokens), humanTokens(tokens)].join('\n'));
  return { documents, tokens, tokenSize, files };
}

/** "1.2 MT"-style count, as datatrove's metadata file shows it. */
function humanTokens(n: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let u = 0;
  let x = n;
  while (x >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${u === 0 ? x : x.toFixed(2)} ${units[u]}T`;
}
