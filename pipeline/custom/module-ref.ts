// A stage from the user's own module, named in a config as `MODULE#EXPORT`: `./my-stages.js#isGood`.
// MODULE is a path relative to the config file (`./`, `../`), an absolute path, or a `file:` URL; without
// `#EXPORT` the module's default export is meant. A resolved config holds the absolute form
// (`file:///…/my-stages.js#isGood`), so every task — a pool thread, a Slurm job on another node — imports
// the same file whatever its working directory.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Stage types that name a module rather than a registered stage (what the JSON Schema accepts for them). */
export const MODULE_REF_PATTERN = '^(\\.{1,2}/|/|file:)';
const MODULE_REF = new RegExp(MODULE_REF_PATTERN);

export interface ModuleRef {
  /** `file:` URL of the module. */
  url: string;
  /** Name of the export; `default` when the reference has no `#EXPORT`. */
  exportName: string;
  /** Canonical form, `<url>#<export>`: the stage's `type` in a resolved config. */
  type: string;
}

export function isModuleRef(type: string): boolean {
  return MODULE_REF.test(type);
}

/** Parses `MODULE#EXPORT`, resolving a relative MODULE against `baseDir` (the config file's folder). */
export function parseModuleRef(type: string, baseDir: string): ModuleRef {
  const hash = type.lastIndexOf('#');
  const modulePart = hash >= 0 ? type.slice(0, hash) : type;
  const exportName = hash >= 0 && hash < type.length - 1 ? type.slice(hash + 1) : 'default';
  const url = modulePart.startsWith('file:') ? new URL(modulePart).href : pathToFileURL(path.resolve(baseDir, modulePart)).href;
  return { url, exportName, type: `${url}#${exportName}` };
}

/** The module's path, for messages. */
export function modulePath(ref: ModuleRef): string {
  return fileURLToPath(ref.url);
}
