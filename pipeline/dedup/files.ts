// Small file helpers shared by the dedup steps.

import { readdirSync, rmSync, existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Remove temporary files an earlier, killed attempt at writing `target` left behind. Only this
 * target's temps: sibling tasks may be writing their own files in the same folder right now.
 */
export function removeOwnTemps(target: string): void {
  const dir = path.dirname(target);
  if (!existsSync(dir)) return;
  const prefix = `.${path.basename(target)}.`;
  for (const e of readdirSync(dir)) if (e.startsWith(prefix) && e.endsWith('.tmp')) rmSync(path.join(dir, e), { force: true });
}
