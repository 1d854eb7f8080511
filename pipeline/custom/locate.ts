// Finding the module that exports a stage the library API was handed as a value. A task in a pool thread
// or a Slurm job cannot receive a function, only a name it can import, so a custom stage must be exported
// from a module, and the run records `file:///…/module.js#export`. Where that module is comes from V8 (the
// inspector's [[FunctionLocation]] of a function) or, for any value, from the modules this process has
// loaded; either way the candidate is imported and the export found by identity, so what the workers
// import is exactly what the caller passed.

import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config-errors.js';

/** Every module the search imports was loaded before, so only one still evaluating can take long. */
const IMPORT_WAIT_MS = 10_000;

export interface LocateHint {
  /** The module that exports the value (a path or URL); found automatically when omitted. */
  module?: string | URL;
  /** The export's name; found by identity when omitted. */
  exportName?: string;
  /** What to call the value in messages. */
  label: string;
}

/** `file:` URL and export name under which `value` can be imported by every task of a run. */
export async function locateExport(value: unknown, hint: LocateHint): Promise<{ url: string; exportName: string }> {
  const evaluating = modulesOnStack();
  if (hint.module !== undefined) {
    const url = toUrl(hint.module);
    refuseEvaluating(url, evaluating, hint.label);
    const exportName = await findExport(url, value, hint.exportName);
    if (!exportName) throw new ConfigError(`${hint.label}: ${fileURLToPath(url)} has no export ${hint.exportName ? `'${hint.exportName}' that is` : 'holding'} this value; export it from there`);
    return { url, exportName };
  }
  const scripts = await loadedScripts(typeof value === 'function' ? value : undefined);
  if (!scripts) {
    throw new ConfigError(`${hint.label}: this Node has no inspector to find the module that exports it; pass { module: new URL('./your-module.js', import.meta.url) }`);
  }
  const candidates = [...(scripts.definedIn ? [scripts.definedIn] : []), ...scripts.all.filter((u) => u !== scripts.definedIn)];
  for (const url of candidates) {
    if (evaluating.has(url)) continue; // importing a module still evaluating would wait for itself
    const exportName = await findExport(url, value, hint.exportName, IMPORT_WAIT_MS);
    if (exportName) return { url, exportName };
  }
  if (scripts.definedIn && evaluating.has(scripts.definedIn)) refuseEvaluating(scripts.definedIn, evaluating, hint.label);
  throw new ConfigError(
    `${hint.label} is not exported by any module loaded here: workers and Slurm tasks import a stage by module and export name, ` +
      'so put it in a module of its own (export function isGood(doc) { … }), import it from there, and pass that; or name the module: ' +
      "{ module: new URL('./my-stages.js', import.meta.url) }",
  );
}

function refuseEvaluating(url: string, evaluating: Set<string>, label: string): void {
  if (!evaluating.has(url)) return;
  throw new ConfigError(
    `${label} is defined in ${fileURLToPath(url)}, the script that runs the pipeline: every worker imports the module of a stage, ` +
      'which would run that script again there. Move the stage into a module of its own and import it.',
  );
}

function toUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? new URL(module).href : pathToFileURL(path.resolve(module)).href;
}

async function findExport(url: string, value: unknown, wanted?: string, waitMs = Infinity): Promise<string | undefined> {
  let ns: Record<string, unknown>;
  let timer: NodeJS.Timeout | undefined;
  try {
    // A module still evaluating (suspended in a top-level await that waits for this very call) would never
    // finish importing; modulesOnStack() sees those on the async stack, and this bound covers the rest.
    const late = new Promise<never>((_, reject) => {
      if (waitMs !== Infinity) timer = setTimeout(() => reject(new Error('still evaluating')), waitMs);
    });
    ns = (await Promise.race([import(url), late])) as Record<string, unknown>;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (wanted !== undefined) return ns[wanted] === value ? wanted : undefined;
  const names = Object.keys(ns).filter((k) => ns[k] === value);
  // A named export reads better in stats than `default` when the value is both.
  return names.find((n) => n !== 'default') ?? names[0];
}

/** Modules with a frame on the current stack: they may be mid-evaluation (top-level await). */
function modulesOnStack(): Set<string> {
  const out = new Set<string>();
  const main = process.argv[1];
  if (main) out.add(pathToFileURL(path.resolve(main)).href);
  const original = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 100;
    Error.prepareStackTrace = (_e, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    for (const f of frames) {
      const name = f.getFileName();
      if (name) out.add(name.startsWith('file:') ? name : pathToFileURL(name).href);
    }
  } finally {
    Error.prepareStackTrace = original;
    Error.stackTraceLimit = limit;
  }
  return out;
}

/**
 * The user modules this process has loaded (file: URLs outside node_modules and outside biglm), and the
 * one `fn` is defined in, from V8's inspector; undefined when Node was built without one.
 */
async function loadedScripts(fn?: unknown): Promise<{ all: string[]; definedIn?: string } | undefined> {
  let inspector: typeof import('node:inspector/promises');
  try {
    inspector = await import('node:inspector/promises');
  } catch {
    return undefined;
  }
  const session = new inspector.Session();
  session.connect();
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, m.params.url));
  const key = `__biglmLocate${process.pid}`;
  try {
    await session.post('Debugger.enable'); // reports every script parsed so far
    let definedIn: string | undefined;
    if (fn !== undefined) {
      (globalThis as Record<string, unknown>)[key] = fn;
      const { result } = await session.post('Runtime.evaluate', { expression: `globalThis.${key}` });
      const props = await session.post('Runtime.getProperties', { objectId: result.objectId!, ownProperties: true });
      const location = props.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as { scriptId: string } | undefined;
      const script = location && scripts.get(location.scriptId);
      if (script) definedIn = script.startsWith('file:') ? script : path.isAbsolute(script) ? pathToFileURL(script).href : undefined;
    }
    const own = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'); // biglm's own modules
    const all = [...new Set(scripts.values())]
      .map((u) => (u.startsWith('file:') ? u : path.isAbsolute(u) ? pathToFileURL(u).href : ''))
      .filter((u) => u && !u.includes('/node_modules/') && !fileURLToPath(u).startsWith(own + path.sep));
    return { all, definedIn };
  } finally {
    delete (globalThis as Record<string, unknown>)[key];
    await session.post('Debugger.disable').catch(() => {});
    session.disconnect();
  }
}
