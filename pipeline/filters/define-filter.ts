// The one wrapper every filter goes through (datatrove's BaseFilter). A filter is a small predicate
// returning `true` (keep) or a drop reason; a transform returns the new text or `drop(reason)`.
// The wrapper builds the StageDefinition: it counts in/out/dropped-by-reason in `ctx.stats`, times the
// predicate (`ms`, upstream stages excluded), keeps the first examples of every reason in
// `<runDir>/excluded/<stage>/<rank>.examples.json`, and with `writeExcluded` writes every dropped
// document with its reason to `<runDir>/excluded/<stage>/<rank>.jsonl` (temp name, renamed at the end).

import { createWriteStream, type WriteStream } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import type { Stage, StageContext, StageDefinition, StageSetup } from '../core/stage.js';
import { tempName, writeJsonAtomic } from '../../lib/atomic.js';
import { Rng } from '../../lib/rng.js';

/** Keep the document, or the reason (without the stage prefix) it is dropped for. */
export type Verdict = true | string;
export interface Drop { drop: string }
export const drop = (reason: string): Drop => ({ drop: reason });

/** What a predicate may use besides the document: counters and running means of its own stage, a seeded rng. */
export interface FilterTools {
  count(counter: string, n?: number): void;
  observe(name: string, x: number): void;
  rng: Rng;
  ctx: StageContext;
}

/** Options every filter stage accepts, merged into its own schema. */
export const commonOptions = {
  writeExcluded: z.boolean().default(false).describe('Write every dropped document with its reason to <runDir>/excluded/<stage>/<rank>.jsonl'),
};

export const EXAMPLES_PER_REASON = 3;
export const EXAMPLE_CHARS = 300;

export interface DropExample { id: string; reason: string; text: string; url?: string }
export interface ExamplesFile {
  stage: string;
  rank: number;
  in: number;
  dropped: Record<string, number>;
  examples: Record<string, DropExample[]>;
}

type Opts<S extends z.ZodType> = z.output<S> & { writeExcluded: boolean };

interface SpecBase<S extends z.ZodType> {
  type: string;
  description: string;
  schema: S;
}
type Check = (doc: Doc, tools: FilterTools) => Verdict;
export interface FilterSpec<S extends z.ZodType> extends SpecBase<S> {
  /**
   * Called once per stage instance, at config time, so configuration errors throw before any document
   * is read; returns the per-document predicate, or a promise of it when it must load a model first.
   */
  build(options: Opts<S>, setup: StageSetup): Check | Promise<Check>;
}
export interface TransformSpec<S extends z.ZodType> extends SpecBase<S> {
  /** Returns the per-document transform: the new text, or `drop(reason)`. */
  build(options: Opts<S>, setup: StageSetup): (doc: Doc, tools: FilterTools) => string | Drop;
}

export function defineFilter<S extends z.ZodType>(spec: FilterSpec<S>): StageDefinition<S> {
  return define(spec, (options, setup) => spec.build(options, setup));
}

export function defineTransform<S extends z.ZodType>(spec: TransformSpec<S>): StageDefinition<S> {
  return define(spec, (options, setup) => {
    const transform = spec.build(options, setup);
    return (doc, tools) => {
      const out = transform(doc, tools);
      if (typeof out === 'string') {
        doc.text = out;
        return true;
      }
      return out.drop;
    };
  });
}

function define<S extends z.ZodType>(
  spec: SpecBase<S>,
  build: (options: Opts<S>, setup: StageSetup) => Check | Promise<Check>,
): StageDefinition<S> {
  return {
    type: spec.type,
    description: spec.description,
    schema: spec.schema,
    create(options, setup): Stage {
      const opts = options as Opts<S>;
      const check = build(opts, setup);
      if (check instanceof Promise) check.catch(() => {}); // rethrown when the stage awaits it
      return (docs, ctx) => runFilter(docs, ctx, check, opts.writeExcluded === true);
    },
  };
}

async function* runFilter(
  docs: AsyncIterable<Doc>,
  ctx: StageContext,
  checkOrPromise: Check | Promise<Check>,
  writeExcluded: boolean,
): AsyncGenerator<Doc> {
  const check = await checkOrPromise;
  const name = ctx.stageName;
  const tools: FilterTools = {
    count: (counter, n = 1) => ctx.stats.count(name, counter, n),
    observe: (m, x) => ctx.stats.observe(name, m, x),
    rng: new Rng(ctx.seed, name, ctx.rank),
    ctx,
  };
  const dir = path.join(ctx.runDir, 'excluded', name);
  const examples: Record<string, DropExample[]> = {};
  const dropped: Record<string, number> = {};
  let seen = 0;
  let excluded: ExcludedWriter | undefined;
  let completed = false;
  try {
    for await (const doc of docs) {
      // The runner counts in/out and time of every stage; the wrapper records drops and examples.
      seen++;
      let verdict: Verdict;
      try {
        verdict = check(doc, tools);
      } catch (err) {
        // A predicate bug must not end the run, and must not pass silently either: drop, count, warn.
        verdict = 'error';
        ctx.log.warn(`${doc.source}:${doc.position}: ${name} failed on document ${doc.id}: ${(err as Error).message}`);
      }
      if (verdict === true) {
        yield doc;
        continue;
      }
      const reason = `${name}:${verdict}`;
      ctx.stats.drop(name, reason);
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      const list = (examples[reason] ??= []);
      if (list.length < EXAMPLES_PER_REASON) list.push(example(doc, reason));
      if (writeExcluded) {
        excluded ??= new ExcludedWriter(path.join(dir, `${ctx.rank}.jsonl`));
        await excluded.write(doc, reason);
      }
    }
    completed = true;
  } finally {
    // Outputs appear only for a stage that saw its whole input; an aborted one leaves no partial file.
    if (excluded) await excluded.close(completed);
    if (completed && seen > 0) {
      const file: ExamplesFile = { stage: name, rank: ctx.rank, in: seen, dropped, examples };
      await writeJsonAtomic(path.join(dir, `${ctx.rank}.examples.json`), file);
    }
  }
}

function example(doc: Doc, reason: string): DropExample {
  const ex: DropExample = { id: doc.id, reason, text: safeSlice(doc.text, EXAMPLE_CHARS) };
  if (typeof doc.meta.url === 'string') ex.url = doc.meta.url;
  return ex;
}

/** First `n` code units, without cutting a surrogate pair in half. */
function safeSlice(text: string, n: number): string {
  if (text.length <= n) return text;
  const last = text.charCodeAt(n - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}

/** Streams dropped documents to a temporary file, renamed to its final name once the stage is done. */
class ExcludedWriter {
  private readonly tmp: string;
  private stream: WriteStream | undefined;
  private ready: Promise<void>;
  constructor(private readonly target: string) {
    this.tmp = tempName(target);
    this.ready = fs.mkdir(path.dirname(target), { recursive: true }).then(() => {
      this.stream = createWriteStream(this.tmp);
    });
  }
  async write(doc: Doc, reason: string): Promise<void> {
    await this.ready;
    const line = JSON.stringify({ id: doc.id, reason, source: doc.source, fileIndex: doc.fileIndex, position: doc.position, text: doc.text, meta: doc.meta }) + '\n';
    if (!this.stream!.write(line)) await new Promise<void>((r) => this.stream!.once('drain', () => r()));
  }
  async close(keep: boolean): Promise<void> {
    await this.ready;
    const s = this.stream!;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (keep) await fs.rename(this.tmp, this.target);
    else await fs.rm(this.tmp, { force: true });
  }
}
