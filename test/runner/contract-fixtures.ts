// Small but real implementations of the reader and stage contracts, so the runner's own tests do not
// depend on the production readers and filters: a line-per-document text reader, a length filter and a
// barrier stage that keeps the first document of each distinct text (by global order key).

import { createReadStream, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { Registry } from '../../lib/registry.js';
import type { ReaderDefinition } from '../../pipeline/core/reader.js';
import type { StageDefinition } from '../../pipeline/core/stage.js';
import type { Doc } from '../../pipeline/core/doc.js';
import type { Registries } from '../../pipeline/config/resolve.js';
import { tokenizeDefinition } from '../../pipeline/tokenize/stage.js';
import { writeJsonAtomic } from '../../lib/atomic.js';

export const linesReader: ReaderDefinition = {
  format: 'lines',
  description: 'one document per line',
  extensions: ['.txt'],
  schema: z.object({}).strict(),
  async *read(file, _options, ctx) {
    let position = 0;
    for await (const line of createInterface({ input: createReadStream(file.path) })) {
      ctx.stats.countRead();
      if (line.startsWith('!')) {
        ctx.log.warn(`${file.path}:${position + 1}: line starts with '!'`);
        ctx.stats.drop('read', 'read:bang');
        position++;
        continue;
      }
      yield { id: `${path.basename(file.path)}#${position}`, text: line, source: file.path, fileIndex: file.fileIndex, position, meta: {} };
      position++;
    }
  },
};

export const minLength: StageDefinition = {
  type: 'min_length',
  description: 'drop short lines',
  schema: z.object({ chars: z.number().int().default(3) }).strict(),
  create: (options) =>
    async function* (docs, ctx) {
      for await (const d of docs) {
        if (d.text.length < (options as { chars: number }).chars) {
          ctx.stats.drop(ctx.stageName, 'too_short');
          continue;
        }
        yield d;
      }
    },
};

/** Barrier: collect writes (text, fileIndex, position, index) per rank; one global step decides; the filter drops. */
export const firstOfText: StageDefinition = {
  type: 'first_of_text',
  description: 'keep the first document of each text',
  schema: z.object({}).strict(),
  create: (_o, setup) =>
    async function* (docs, ctx) {
      const remove = new Set<number>(
        JSON.parse(await fs.readFile(path.join(setup.runDir, 'fot', `remove-${ctx.rank}.json`), 'utf8')) as number[],
      );
      let index = 0;
      for await (const d of docs) {
        if (remove.has(index++)) {
          ctx.stats.drop(ctx.stageName, 'duplicate');
          continue;
        }
        yield d;
      }
    },
  barrier: {
    collect: (_o, setup) =>
      async function* (docs, ctx) {
        const seen: [string, number, number, number][] = [];
        let index = 0;
        for await (const d of docs) {
          seen.push([d.text, d.fileIndex, d.position, index++]);
          yield d;
        }
        await writeJsonAtomic(path.join(setup.runDir, 'fot', `seen-${ctx.rank}.json`), seen);
      },
    steps: (_o, setup) => [
      {
        name: 'decide',
        worldSize: 1,
        async run() {
          const best = new Map<string, { rank: number; key: [number, number]; index: number }>();
          const all: { text: string; rank: number; key: [number, number]; index: number }[] = [];
          for (let rank = 0; rank < setup.segmentWorldSize; rank++) {
            const seen = JSON.parse(await fs.readFile(path.join(setup.runDir, 'fot', `seen-${rank}.json`), 'utf8')) as [string, number, number, number][];
            for (const [text, f, p, index] of seen) all.push({ text, rank, key: [f, p], index });
          }
          for (const e of all) {
            const b = best.get(e.text);
            if (!b || e.key[0] < b.key[0] || (e.key[0] === b.key[0] && e.key[1] < b.key[1])) best.set(e.text, e);
          }
          const remove: number[][] = Array.from({ length: setup.segmentWorldSize }, () => []);
          for (const e of all) if (best.get(e.text) !== e) remove[e.rank].push(e.index);
          for (let rank = 0; rank < setup.segmentWorldSize; rank++) {
            await writeJsonAtomic(path.join(setup.runDir, 'fot', `remove-${rank}.json`), remove[rank].sort((a, b) => a - b));
          }
        },
      },
    ],
  },
};

export function fixtureRegistries(): Registries {
  const readers = new Registry<ReaderDefinition>('reader format');
  readers.register('lines', linesReader);
  const stages = new Registry<StageDefinition>('stage type');
  stages.register('min_length', minLength);
  stages.register('first_of_text', firstOfText);
  // every run ends in the tokenize stage, placed last when the config does not name it
  stages.register('tokenize', tokenizeDefinition);
  return { readers, stages, detectFormat: () => 'lines' };
}

/** Three small text inputs (one line per document; a duplicate, short lines, a '!' line) in a fresh folder. */
export function fixtureCorpus(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-runner-in-'));
  writeFileSync(path.join(dir, 'a.txt'), 'the quick brown fox\nhi\nsame text here\n!broken\nanother line of text\n');
  writeFileSync(path.join(dir, 'b.txt'), 'same text here\nunique words in b\nok\nsame text here\n');
  writeFileSync(path.join(dir, 'c.txt'), 'the quick brown fox\nc has its own line\n');
  return dir;
}

/** The config the runner tests run on `fixtureCorpus()`: a filter, a barrier, gpt2. */
export const fixtureConfig = {
  inputs: ['*.txt'],
  stages: [{ type: 'min_length', chars: 3 }, { type: 'first_of_text' }],
  tokenizer: { name: 'gpt2' },
  output: { batchDocs: 2 },
};

export type { Doc };
