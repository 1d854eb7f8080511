// Configuration errors throw at start, naming the field, the value and the fix.

import type { z } from 'zod';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Turn zod issues into lines a person can act on: `stages[2].threshold = "abc": expected number`. */
/**
 * `keysAt(path)` names the keys allowed at an object path, so a misspelt key gets a "did you mean"
 * (zod's issue carries only the offending keys).
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  where: string,
  keysAt: (path: readonly PropertyKey[]) => string[] = () => [],
): string {
  const lines = issues.map((issue) => {
    const field = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(issue.path);
      return issue.keys
        .map((k) => {
          const hint = closest(k, known);
          const full = field ? `${field}.${k}` : k;
          return `${full}: unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; remove it or fix its spelling`;
        })
        .join('\n  ');
    }
    const value = valueAt(input, issue.path);
    const shown = value === undefined ? 'missing' : `= ${JSON.stringify(value)?.slice(0, 80)}`;
    return `${field || '(top level)'} ${shown}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  return `invalid ${where}:\n  ${lines.join('\n  ')}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Closest known key by edit distance, when it is close enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Keys of a zod object schema (empty for anything else). */
export function objectKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
