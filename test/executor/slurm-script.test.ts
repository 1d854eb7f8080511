import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chunkArgs, chunkRanks, renderStepScript, shellQuote } from '../../pipeline/executor/slurm/script.js';
import { SlurmOptions } from '../../pipeline/executor/slurm/options.js';
import { parseMaxArraySize, parseSqueue } from '../../pipeline/executor/slurm/slurm-commands.js';
import { storageKind } from '../../pipeline/executor/slurm/storage.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('splitting a step into job arrays', () => {
  it('cuts at MaxArraySize elements per array (indices 0..max-1)', () => {
    const chunks = chunkRanks(range(2500), 1, 1001);
    expect(chunks.map((c) => c.length)).toEqual([1001, 1001, 498]);
    expect(chunks[1][0]).toBe(1001);
    expect(chunks.flat()).toEqual(range(2500));
  });

  it('counts elements, not ranks, when an element runs several ranks', () => {
    const chunks = chunkRanks(range(2500), 3, 1001);
    expect(chunks.map((c) => c.length)).toEqual([2500]);
    expect(chunkRanks(range(7), 2, 2).map((c) => c.length)).toEqual([4, 3]);
  });

  it('throttles with %P and waits for the previous step with afterok', () => {
    const options = SlurmOptions.parse({ arrayParallelism: 4, extraArgs: ['--account=lm'] });
    expect(chunkArgs({ elements: 10, options, dependsOn: ['12', '13'], script: 's.sh', ranksFile: 'r.txt' })).toEqual([
      '--array=0-9%4',
      '--dependency=afterok:12:13',
      '--account=lm',
      's.sh',
      'r.txt',
    ]);
    expect(chunkArgs({ elements: 1, options: SlurmOptions.parse({}), dependsOn: [], script: 's.sh', ranksFile: 'r.txt' })).toEqual([
      '--array=0-0',
      's.sh',
      'r.txt',
    ]);
  });
});

describe('the batch script of a step', () => {
  const options = SlurmOptions.parse({ partition: 'cpu', cpusPerTask: 4, mem: '8G', time: '1:00:00', tasksPerElement: 3 });
  const script = renderStepScript({ runDir: "/shared/runs/it's", step: 'dedup.buckets', options, node: '/usr/bin/node', biglm: '/opt/biglm/dist/cli/biglm.js' });

  it('is valid bash', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-script-'));
    writeFileSync(path.join(dir, 's.sh'), script);
    expect(() => execFileSync('bash', ['-n', path.join(dir, 's.sh')])).not.toThrow();
  });

  it('asks sbatch for the resources, a log per element, requeue and the USR1 warning', () => {
    for (const line of [
      '#SBATCH --partition=cpu',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=8G',
      '#SBATCH --time=1:00:00',
      "#SBATCH --output=/shared/runs/it's/logs/dedup.buckets/%A_%a.out",
      '#SBATCH --requeue',
      '#SBATCH --signal=B:USR1@120',
      '#SBATCH --kill-on-invalid-dep=yes',
    ]) {
      expect(script).toContain(line);
    }
  });

  it('requeues its own element (array job _ index), not the whole array, and runs K ranks with min(K, cpus) workers', () => {
    expect(script).toContain('trap requeue USR1');
    expect(script).toContain('scontrol requeue "$element"');
    expect(script).toContain('element="${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-?}}_${SLURM_ARRAY_TASK_ID:-0}"');
    expect(script).toContain('--stage dedup.buckets --rank-from-env --ranks-file "$ranks_file"');
    expect(script).toContain('--tasks-per-element 3 --workers 3');
    expect(script).toContain(`run='/shared/runs/it'\\''s'`);
  });

  it('quotes words for bash only when needed', () => {
    expect(shellQuote('/a/b-c_d.js')).toBe('/a/b-c_d.js');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote("it's $HOME")}`]).toString()).toBe("it's $HOME");
  });
});

describe('reading Slurm', () => {
  it('finds MaxArraySize in scontrol show config, 1001 when absent', () => {
    expect(parseMaxArraySize('JobRequeue              = 1\nMaxArraySize            = 40001\nMaxJobCount = 10000\n')).toBe(40001);
    expect(parseMaxArraySize('ClusterName = x\n')).toBe(1001);
  });

  it('reads one squeue line per array element', () => {
    expect(parseSqueue('12|0|RUNNING|None\n12|3|PENDING|JobArrayTaskLimit\n15|N/A|PENDING|Dependency\n')).toEqual([
      { arrayJobId: '12', index: 0, state: 'RUNNING', reason: 'None' },
      { arrayJobId: '12', index: 3, state: 'PENDING', reason: 'JobArrayTaskLimit' },
      { arrayJobId: '15', index: undefined, state: 'PENDING', reason: 'Dependency' },
    ]);
  });

  it('tells local filesystems from shared ones', () => {
    expect(storageKind('tmpfs')).toBe('local');
    expect(storageKind('ext2/ext3')).toBe('local');
    expect(storageKind('nfs')).toBe('shared');
    expect(storageKind('lustre')).toBe('shared');
    expect(storageKind(undefined)).toBe('unknown');
  });
});
