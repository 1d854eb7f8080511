// Talking to Slurm through its command-line tools (sbatch, squeue, sacct, scancel, sinfo, scontrol), the
// interface every site has. Each call has a timeout; a missing tool is told apart from a failing one.

import { execFile } from 'node:child_process';
import { ConfigError } from '../../../lib/config-errors.js';

/** A configuration-class error (the CLI prints the message, no stack, and exits 2): what failed and the fix. */
export class SlurmError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmError';
  }
}

export interface SlurmResult {
  stdout: string;
  stderr: string;
}

/** Runs one Slurm command; throws SlurmError naming the command and its stderr when it fails. */
export function slurmCommand(cmd: string, args: string[], timeoutMs = 60_000): Promise<SlurmResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') {
        return reject(new SlurmError(`${cmd} is not on PATH: run this on a Slurm login node (or install slurm-client), or use --executor local`));
      }
      const why = e.killed ? `timed out after ${timeoutMs / 1000} s` : (stderr || e.message).trim();
      reject(new SlurmError(`${cmd} ${args.join(' ')} failed: ${why}`));
    });
  });
}

/** True when `cmd` can be started (it is on PATH). */
export async function hasCommand(cmd: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(cmd, ['--version'], { timeout: 20_000 }, (err) => resolve(!err || (err as NodeJS.ErrnoException).code !== 'ENOENT'));
  });
}

/** MaxArraySize from `scontrol show config` (array indices must stay below it); Slurm's default is 1001. */
export async function maxArraySize(): Promise<number> {
  const { stdout } = await slurmCommand('scontrol', ['show', 'config']);
  return parseMaxArraySize(stdout);
}

export function parseMaxArraySize(config: string): number {
  const m = /^\s*MaxArraySize\s*=\s*(\d+)/m.exec(config);
  const n = m ? Number(m[1]) : 1001;
  return n > 0 ? n : 1001;
}

/** Partition names (`sinfo -h -o %P`; the default one is marked with `*`, which is removed). */
export async function partitions(): Promise<{ name: string; isDefault: boolean; nodes: number }[]> {
  const { stdout } = await slurmCommand('sinfo', ['-h', '-o', '%P|%D']);
  const byName = new Map<string, { name: string; isDefault: boolean; nodes: number }>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [p, d] = line.trim().split('|');
    const name = p.replace(/\*$/, '');
    const entry = byName.get(name) ?? { name, isDefault: p.endsWith('*'), nodes: 0 };
    entry.nodes += Number(d) || 0;
    byName.set(name, entry);
  }
  return [...byName.values()];
}

/** Submits one batch script; returns the job id (`sbatch --parsable` prints `id` or `id;cluster`). */
export async function sbatch(args: string[]): Promise<string> {
  const { stdout } = await slurmCommand('sbatch', ['--parsable', ...args]);
  const id = stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed no job id: ${JSON.stringify(stdout.trim())}`);
  return id;
}

export async function scancel(ids: string[]): Promise<void> {
  if (ids.length > 0) await slurmCommand('scancel', ids);
}

export interface QueuedElement {
  /** The array job id (the id sbatch printed). */
  arrayJobId: string;
  /** The element's index, or undefined for a job that is not an array. */
  index: number | undefined;
  /** PENDING, RUNNING, COMPLETING, REQUEUED, … */
  state: string;
  reason: string;
}

/**
 * The queued and running elements of the given array jobs, one per element (`squeue -r`). Jobs that have
 * left the queue are simply absent.
 */
export async function squeue(jobIds: string[]): Promise<QueuedElement[]> {
  if (jobIds.length === 0) return [];
  let stdout: string;
  try {
    ({ stdout } = await slurmCommand('squeue', ['-h', '-r', '-o', '%F|%K|%T|%r', '--states=all', `--jobs=${jobIds.join(',')}`]));
  } catch (e) {
    // squeue fails this way when none of the ids is known any more (they ended longer than MinJobAge ago).
    if (/Invalid job id specified/.test((e as Error).message)) return [];
    throw e;
  }
  const wanted = new Set(jobIds);
  return parseSqueue(stdout).filter((e) => wanted.has(e.arrayJobId));
}

export function parseSqueue(text: string): QueuedElement[] {
  const out: QueuedElement[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [arrayJobId, task, state, reason] = line.trim().split('|');
    const index = /^\d+$/.test(task) ? Number(task) : undefined;
    out.push({ arrayJobId, index, state, reason: reason ?? '' });
  }
  return out;
}

export interface AccountedElement {
  arrayJobId: string;
  index: number | undefined;
  state: string;
  exitCode: string;
}

/**
 * Final states from accounting (`sacct`), or undefined when the cluster keeps no accounting (sacct then
 * fails, e.g. AccountingStorageType=accounting_storage/none).
 */
export async function sacct(jobIds: string[]): Promise<AccountedElement[] | undefined> {
  if (jobIds.length === 0) return [];
  let stdout: string;
  try {
    ({ stdout } = await slurmCommand('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode'], 30_000));
  } catch {
    return undefined;
  }
  const out: AccountedElement[] = [];
  for (const line of stdout.split('\n')) {
    const [id, state, exitCode] = line.trim().split('|');
    const m = /^(\d+)(?:_(\d+))?$/.exec(id ?? '');
    if (!m) continue; // pending ranges like 12_[3-9] are also in squeue
    out.push({ arrayJobId: m[1], index: m[2] !== undefined ? Number(m[2]) : undefined, state: state.split(' ')[0], exitCode });
  }
  return out;
}
