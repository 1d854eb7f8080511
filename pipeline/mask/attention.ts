// The attention mask an example row implies, derived from its segment ids and roles (the reference the
// trainer's batched version must agree with): token i may attend to token j when both are in the same
// segment and either i is a target token or j is a source token. Padding is segment 0: it attends to
// nothing and nothing attends to it.

import { ROLE_SOURCE, ROLE_TARGET } from '../../formats/examples/labels.js';

/** May query position i attend to key position j? */
export function mayAttend(segmentIds: ArrayLike<number>, roles: ArrayLike<number>, i: number, j: number): boolean {
  const seg = segmentIds[i];
  return seg !== 0 && segmentIds[j] === seg && (roles[i] === ROLE_TARGET || roles[j] === ROLE_SOURCE);
}

/** The full [seqLen, seqLen] mask of one row, 1 = may attend (row-major: query i, key j at i·seqLen + j). */
export function attentionMask(segmentIds: ArrayLike<number>, roles: ArrayLike<number>): Uint8Array {
  const n = segmentIds.length;
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (mayAttend(segmentIds, roles, i, j)) mask[i * n + j] = 1;
  return mask;
}
