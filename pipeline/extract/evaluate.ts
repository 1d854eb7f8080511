// Scoring main-content extraction on trafilatura's own evaluation set (../shared/data/extract/
// trafilatura-eval: evaldata.json + eval/*.html + cache/*.html), exactly as trafilatura scores it:
// trafilatura/tests/eval_common.py — `norm`, `resolve`, `count_item`, `ConfusionMatrix`. Shared by
// bench/extract.ts and test/extract so both measure the same thing.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface EvalPage {
  url: string;
  file: string;
  /** Path of the HTML file (cache/ wins over eval/, as in eval_common.resolve). */
  path: string;
  with: string[];
  without: string[];
  /** Held out: scored only for the final report, never looked at while tuning (hash of the file name). */
  heldOut: boolean;
}

export interface EvalSet {
  pages: EvalPage[];
  /** Entries of evaldata.json whose file is absent (names with non-ASCII characters did not make the copy). */
  missing: number;
}

/** One in five pages, chosen by the SHA-1 of the file name, is held out. */
export function isHeldOut(file: string): boolean {
  return createHash('sha1').update(file).digest()[0] < 52;
}

export function evalDir(sharedData: string): string {
  return path.join(sharedData, 'extract', 'trafilatura-eval');
}

export function loadEvalSet(dir: string): EvalSet {
  const data = JSON.parse(readFileSync(path.join(dir, 'evaldata.json'), 'utf8')) as Record<string, { file: string; with: string[]; without: string[] }>;
  const pages: EvalPage[] = [];
  let missing = 0;
  for (const url of Object.keys(data).sort()) {
    const item = data[url];
    const found = ['cache', 'eval'].map((sub) => path.join(dir, sub, item.file)).find((p) => existsSync(p));
    if (!found) {
      missing++;
      continue;
    }
    pages.push({ url, file: item.file, path: found, with: item.with, without: item.without, heldOut: isHeldOut(item.file) });
  }
  return { pages, missing };
}

/** eval_common.norm: whitespace runs become one space (Python's \s is Unicode-aware, as is JS's). */
export function norm(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** eval_common.count_item: `with` snippets found are true positives, `without` snippets found false positives. */
export function countItem(page: Pick<EvalPage, 'with' | 'without'>, result: string | null): Counts {
  let tp = 0;
  let fp = 0;
  if (result !== null) {
    const r = norm(result);
    for (const w of page.with) if (r.includes(norm(w))) tp++;
    for (const w of page.without) if (r.includes(norm(w))) fp++;
  }
  return { tp, fp, fn: page.with.length - tp, tn: page.without.length - fp };
}

export class ConfusionMatrix implements Counts {
  tp = 0;
  fp = 0;
  fn = 0;
  tn = 0;
  pages = 0;
  add(c: Counts): void {
    this.tp += c.tp;
    this.fp += c.fp;
    this.fn += c.fn;
    this.tn += c.tn;
    this.pages++;
  }
  get precision(): number {
    return this.tp + this.fp ? this.tp / (this.tp + this.fp) : 0;
  }
  get recall(): number {
    return this.tp + this.fn ? this.tp / (this.tp + this.fn) : 0;
  }
  get f1(): number {
    const d = 2 * this.tp + this.fp + this.fn;
    return d ? (2 * this.tp) / d : 0;
  }
  get accuracy(): number {
    const total = this.tp + this.fp + this.fn + this.tn;
    return total ? (this.tp + this.tn) / total : 0;
  }
}
