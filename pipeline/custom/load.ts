// Loading stages from users' modules. Every process that runs tasks (the CLI, each pool thread, each Slurm
// job) imports the modules a run names when it resolves the config or loads the run, and keeps the
// definitions here, keyed by the canonical `file:///…#export` type — the same table Node keeps of the
// modules themselves, so the stage registry can look them up synchronously while it plans and runs.

import { ConfigError } from '../../lib/config-errors.js';
import type { StageDefinition } from '../core/stage.js';
import { definitionFromExport } from './kinds.js';
import { isModuleRef, modulePath, type ModuleRef } from './module-ref.js';

const loaded = new Map<string, StageDefinition>();

/** The definition of a module stage this process has loaded, by its canonical type. */
export function loadedModuleStage(type: string): StageDefinition | undefined {
  return loaded.get(type);
}

/** Imports the module and turns the named export into a stage definition; `where` names the config entry. */
export async function loadModuleStage(ref: ModuleRef, where: string): Promise<StageDefinition> {
  const known = loaded.get(ref.type);
  if (known) return known;
  const file = modulePath(ref);
  let ns: Record<string, unknown>;
  try {
    ns = (await import(ref.url)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${where}: cannot import ${file}: ${importFailure(e as NodeJS.ErrnoException, file)}`);
  }
  if (!(ref.exportName in ns)) {
    const names = Object.keys(ns).filter((k) => k !== '__esModule');
    throw new ConfigError(
      `${where}: ${file} has no export '${ref.exportName}'; it exports ${names.length ? names.join(', ') : 'nothing'} (name one as MODULE#EXPORT)`,
    );
  }
  const name = ref.exportName === 'default' ? defaultName(file) : ref.exportName;
  let def: StageDefinition;
  try {
    def = definitionFromExport(ns[ref.exportName], name);
  } catch (e) {
    throw new ConfigError(`${where}: ${file}#${ref.exportName} ${(e as Error).message}`);
  }
  loaded.set(ref.type, def);
  return def;
}

/** Loads every module stage among `types` (the stage types of a resolved config). */
export async function loadModuleStages(types: readonly string[]): Promise<void> {
  for (const type of types) {
    if (!isModuleRef(type) || loaded.has(type)) continue;
    const hash = type.lastIndexOf('#');
    await loadModuleStage({ url: type.slice(0, hash), exportName: type.slice(hash + 1), type }, `stage ${type}`);
  }
}

function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? 'stage';
  return base.replace(/\.[cm]?[jt]s$/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'stage';
}

function importFailure(e: NodeJS.ErrnoException, file: string): string {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(file)) return 'no such file; check the path (relative to the config file)';
  if (e?.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(file)) {
    return (
      `Node ${process.version} cannot import TypeScript by itself. Compile the module (tsc) and name the .js file, ` +
      "or run every process of the run under a TypeScript loader (NODE_OPTIONS='--import tsx': pool threads and Slurm jobs inherit it), " +
      'or use a Node version that strips types (22.18+, 23.6+)'
    );
  }
  return e?.message ?? String(e);
}
