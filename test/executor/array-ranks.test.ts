import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arrayIndexFromEnv, formatRanksFile, ranksOfElement, readRanksFile } from '../../pipeline/executor/array-ranks.js';

describe('the array index from the environment', () => {
  it('reads SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX, Slurm first', () => {
    expect(arrayIndexFromEnv({ SLURM_ARRAY_TASK_ID: '7' })).toEqual({ index: 7, variable: 'SLURM_ARRAY_TASK_ID' });
    expect(arrayIndexFromEnv({ JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, variable: 'JOB_COMPLETION_INDEX' });
    expect(arrayIndexFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toEqual({ index: 0, variable: 'AWS_BATCH_JOB_ARRAY_INDEX' });
    expect(arrayIndexFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '1', SLURM_ARRAY_TASK_ID: '2' }).index).toBe(2);
  });

  it('refuses a value that is not a whole number, and says when none is set', () => {
    expect(() => arrayIndexFromEnv({ SLURM_ARRAY_TASK_ID: '1-3' })).toThrow(/SLURM_ARRAY_TASK_ID="1-3" is not an array index/);
    expect(() => arrayIndexFromEnv({ JOB_COMPLETION_INDEX: '-1' })).toThrow(/not an array index/);
    expect(() => arrayIndexFromEnv({})).toThrow(/none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set/);
  });
});

describe('the ranks of an array element', () => {
  it('maps index i to entry i of the ranks file, so a resubmission can run ranks 3, 17 and 40 as elements 0, 1, 2', () => {
    const ranks = [3, 17, 40];
    expect([0, 1, 2].map((i) => ranksOfElement(i, 1, { ranks }))).toEqual([[3], [17], [40]]);
  });

  it('gives element i the entries i*K … i*K+K-1 with K ranks per element, the last element fewer', () => {
    const ranks = [0, 1, 2, 5, 8];
    expect(ranksOfElement(0, 2, { ranks })).toEqual([0, 1]);
    expect(ranksOfElement(1, 2, { ranks })).toEqual([2, 5]);
    expect(ranksOfElement(2, 2, { ranks })).toEqual([8]);
    expect(ranksOfElement(1, 3, { worldSize: 5 })).toEqual([3, 4]);
  });

  it('refuses an index past the end instead of running nothing', () => {
    expect(() => ranksOfElement(3, 2, { ranks: [1, 2, 3, 4, 5] })).toThrow(/array index 3 with 2 rank\(s\) per element is past the end: the ranks file lists 5/);
    expect(() => ranksOfElement(4, 1, { worldSize: 4 })).toThrow(/the step has 4 rank/);
  });

  it('round-trips a ranks file and names the line of a bad entry', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-ranks-'));
    const file = path.join(dir, 'seg0.txt');
    writeFileSync(file, formatRanksFile([4, 9, 12]));
    expect(await readRanksFile(file)).toEqual([4, 9, 12]);
    writeFileSync(file, '4\nnine\n');
    await expect(readRanksFile(file)).rejects.toThrow(/seg0.txt:2: "nine" is not a rank/);
    await expect(readRanksFile(path.join(dir, 'missing.txt'))).rejects.toThrow(/cannot read ranks file/);
  });
});
