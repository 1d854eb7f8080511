// What a user's module may export as a stage, and how each becomes a StageDefinition:
//   - a plain function `(doc, tools) => true | false | 'reason'`: a filter (datatrove's LambdaFilter);
//   - `mapDocuments(fn)`: a mapper returning the new text, the document, or `drop(reason)`;
//   - `documentStage(fn)`: a whole streaming stage `(docs, ctx) => AsyncIterable<Doc>`;
//   - a StageDefinition (from `defineFilter`, `defineTransform`, or written out), with its own options schema.
// Filters and mappers go through the same wrapper as the built-in filters (define-filter.ts): drops counted
// as `<stage>:<reason>`, the first examples kept, an exception counted as `<stage>:error` with a warning.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import type { Stage, StageDefinition } from '../core/stage.js';
import { commonOptions, defineFilter, type Drop, type FilterTools } from '../filters/define-filter.js';

/** Keep (`true`), drop (`false`, counted as `<stage>:dropped`), or drop for a reason (a string). */
export type FilterFunction = (doc: Doc, tools: FilterTools) => boolean | string;
/** The new text, the document (changed in place or a new one), or `drop(reason)`. */
export type MapFunction = (doc: Doc, tools: FilterTools) => string | Doc | Drop | void;

// A global symbol, so a brand set by one copy of biglm (the user's node_modules) is seen by another.
const KIND = Symbol.for('biglm.stageKind');
type Kind = 'filter' | 'map' | 'stage';

function brand<F extends object>(fn: F, kind: Kind): F {
  Object.defineProperty(fn, KIND, { value: kind, enumerable: false });
  return fn;
}

/** Marks a function as a filter (the default for a plain function; explicit where it reads better). */
export function filterDocuments<F extends FilterFunction>(fn: F): F {
  return brand(fn, 'filter');
}

/** Marks a function as a document mapper. */
export function mapDocuments<F extends MapFunction>(fn: F): F {
  return brand(fn, 'map');
}

/** Marks a function as a whole stage: it must count what it does not pass on with `ctx.stats.drop`. */
export function documentStage<F extends Stage>(fn: F): F {
  return brand(fn, 'stage');
}

export function kindOf(value: unknown): Kind | 'definition' | undefined {
  if (typeof value === 'function') return ((value as unknown as Record<symbol, Kind>)[KIND] ?? 'filter') as Kind;
  if (isStageDefinition(value)) return 'definition';
  return undefined;
}

export function isStageDefinition(value: unknown): value is StageDefinition {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<StageDefinition>;
  return typeof v.type === 'string' && typeof v.create === 'function' && typeof (v.schema as z.ZodType | undefined)?.safeParse === 'function';
}

const noOptions = z.object({}).strict();
const filterOptions = z.object({ ...commonOptions }).strict();

/**
 * The StageDefinition for a module export; `name` is what the stage reports under by default (the export's
 * name). Throws a message for the user when the export is none of the supported kinds.
 */
export function definitionFromExport(value: unknown, name: string): StageDefinition {
  const kind = kindOf(value);
  switch (kind) {
    case 'definition':
      return value as StageDefinition;
    case 'filter':
    case 'map': {
      // Both are per-document checks for the filter wrapper: a mapper changes the text, then keeps or drops.
      const check: (doc: Doc, tools: FilterTools) => true | string =
        kind === 'filter'
          ? (doc, tools) => verdictOf((value as FilterFunction)(doc, tools))
          : (doc, tools) => applyMap(doc, (value as MapFunction)(doc, tools));
      return defineFilter({
        type: name,
        description: `${kind === 'filter' ? 'filter' : 'mapper'} ${name} from your module`,
        schema: filterOptions,
        build: () => check,
      }) as StageDefinition;
    }
    case 'stage':
      return { type: name, description: `stage ${name} from your module`, schema: noOptions, create: () => accounted(value as Stage) };
    default:
      throw new TypeError(
        `is ${value === null ? 'null' : typeof value}, not a stage: export a function (a filter), mapDocuments(fn), documentStage(fn) or a stage definition`,
      );
  }
}

function verdictOf(v: unknown): true | string {
  if (v === true) return true;
  if (v === false) return 'dropped';
  if (typeof v === 'string' && v.length > 0) return v;
  // Caught by the filter wrapper: counted as `<stage>:error` with a warning naming the document.
  throw new TypeError(`returned ${JSON.stringify(v) ?? typeof v}; a filter returns true (keep), false or a reason (drop)`);
}

function applyMap(doc: Doc, out: ReturnType<MapFunction>): true | string {
  if (out === undefined || out === doc) return true;
  if (typeof out === 'string') {
    doc.text = out;
    return true;
  }
  if (out !== null && typeof out === 'object') {
    if (typeof (out as Drop).drop === 'string') return (out as Drop).drop;
    if (typeof (out as Doc).text === 'string') {
      doc.text = (out as Doc).text;
      if ((out as Doc).meta && typeof (out as Doc).meta === 'object') doc.meta = (out as Doc).meta;
      return true;
    }
  }
  throw new TypeError(`returned ${JSON.stringify(out) ?? typeof out}; a mapper returns the new text, the document, or drop(reason)`);
}

/**
 * A user's whole stage, with the bookkeeping the built-in stages get right by construction: documents it
 * neither passed on nor counted with `ctx.stats.drop` are counted as `<stage>:uncounted`, with a warning,
 * so read = kept + Σdropped still holds.
 */
function accounted(stage: Stage): Stage {
  return (docs, ctx) =>
    (async function* () {
      const stats = ctx.stats.stage(ctx.stageName);
      const droppedSoFar = () => Object.values(stats.dropped).reduce((a, b) => a + b, 0);
      const before = droppedSoFar();
      let received = 0;
      let passed = 0;
      async function* counting(): AsyncIterable<Doc> {
        for await (const doc of docs) {
          received++;
          yield doc;
        }
      }
      for await (const doc of stage(counting(), ctx)) {
        passed++;
        yield doc;
      }
      const lost = received - passed - (droppedSoFar() - before);
      if (lost > 0) {
        ctx.stats.drop(ctx.stageName, 'uncounted', lost);
        ctx.log.warn(
          `${ctx.stageName} (rank ${ctx.rank}): ${lost} document(s) neither passed on nor counted with ctx.stats.drop; counted as ${ctx.stageName}:uncounted`,
        );
      } else if (lost < 0) {
        ctx.log.warn(
          `${ctx.stageName} (rank ${ctx.rank}): passed on ${-lost} more document(s) than it received and dropped; the run's read = kept + dropped will not add up`,
        );
      }
    })();
}
