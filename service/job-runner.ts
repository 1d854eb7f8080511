// Runs jobs: each is the `biglm` command a user would type (prepare / mask / mix), in its own process
// group, with the same executors and resume behaviour (a Slurm job is watched in the queue once its
// command has submitted the arrays: slurm-watch.ts); at most `maxJobs` at once, the rest queued in
// order. Cancelling stops the command (finished tasks keep their markers, so resuming continues where it
// stopped). On start the manager reads every job folder: jobs that were running are marked interrupted
// (their command stopped if it outlived the old service), queued ones queue again.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { openSync, closeSync, promises as fs, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../lib/atomic.js';
import { workerUrl } from '../lib/worker-url.js';
import type { JobSpec } from './job-request.js';
import { readTail } from './job-progress.js';
import { cancelSlurmRun, slurmRunState } from './slurm-watch.js';
import { loadJobs, saveJob, type JobRecord, type JobState } from './job-store.js';
import { jobDir, jobFiles } from './job-paths.js';

// The compiled CLI, also when this module runs from its .ts source (tests).
const BIGLM = fileURLToPath(workerUrl(import.meta.url, '../cli/biglm.js'));
const INTERRUPTED = 'the service stopped while the job ran; POST /v1/jobs/<id>/resume continues the run where it stopped';
const CANCELLED = (id: string) => `cancelled; POST /v1/jobs/${id}/resume continues the run where it stopped`;
/** How often a Slurm job's queue entries and manifest are looked at. */
const SLURM_POLL_MS = 2000;
/** After SIGTERM, a command still running this long later gets SIGKILL. */
const KILL_AFTER_MS = 3000;

export interface JobManagerOptions {
  runsRoot: string;
  dataRoot: string;
  maxJobs: number;
  /** `--workers` of each prepare / mask command. */
  jobWorkers: number;
}

export class JobManager extends EventEmitter {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly children = new Map<string, ChildProcess>();
  private readonly stopping = new Map<string, JobState>();
  private readonly watches = new Map<string, NodeJS.Timeout>();
  /** Per running command: settles once its exit has been recorded. */
  private readonly settled = new Map<string, Promise<void>>();
  private readonly writes = new Set<Promise<void>>();
  private queue: string[] = [];
  private closed = false;

  private constructor(private readonly opts: JobManagerOptions) {
    super();
  }

  static async open(opts: JobManagerOptions): Promise<JobManager> {
    const m = new JobManager(opts);
    for (const job of await loadJobs(opts.runsRoot)) {
      if (job.state === 'running' && job.submitted) {
        // Its tasks run in Slurm, not in the old service: keep watching them.
        m.jobs.set(job.id, job);
        m.watch(job.id);
        continue;
      }
      if (job.state === 'running') {
        stopOrphan(job, jobDir(opts.runsRoot, job.id));
        Object.assign(job, { state: 'interrupted', finishedAt: new Date().toISOString(), error: INTERRUPTED });
        delete job.pid;
        await saveJob(opts.runsRoot, job);
      }
      m.jobs.set(job.id, job);
      if (job.state === 'queued') m.queue.push(job.id);
    }
    m.pump();
    return m;
  }

  list(): JobRecord[] {
    return [...this.jobs.values()];
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  async submit(spec: JobSpec): Promise<JobRecord> {
    const id = `job-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const files = jobFiles(this.opts.runsRoot, id);
    await fs.mkdir(jobDir(this.opts.runsRoot, id), { recursive: true });
    if (spec.config !== undefined) await writeJsonAtomic(files.request, spec.config);
    const args = spec.args.map((a) => (a === '{config}' ? files.request : a));
    const job: JobRecord = { id, kind: spec.kind, state: 'queued', executor: spec.executor, args, createdAt: new Date().toISOString() };
    await this.update(job);
    this.queue.push(id);
    this.pump();
    return job;
  }

  /** Stops a running job or takes a queued one off the queue; false when it had already ended. */
  async cancel(id: string): Promise<boolean> {
    const job = this.jobs.get(id)!;
    if (job.state === 'queued') {
      this.queue = this.queue.filter((q) => q !== id);
      await this.update(Object.assign(job, { state: 'cancelled', finishedAt: new Date().toISOString() }));
      return true;
    }
    if (job.state !== 'running') return false;
    if (job.submitted) {
      this.unwatch(id);
      await cancelSlurmRun(jobFiles(this.opts.runsRoot, id).run);
      await this.update(Object.assign(job, { state: 'cancelled', finishedAt: new Date().toISOString(), error: CANCELLED(id) }));
      return true;
    }
    this.stop(id, 'cancelled');
    return true;
  }

  /** Queues a cancelled, interrupted or failed job again: its command resumes the run. */
  async resume(id: string): Promise<boolean> {
    const job = this.jobs.get(id)!;
    if (!['cancelled', 'interrupted', 'failed'].includes(job.state)) return false;
    for (const k of ['startedAt', 'finishedAt', 'exitCode', 'error', 'submitted'] as const) delete job[k];
    await this.update(Object.assign(job, { state: 'queued' }));
    this.queue.push(id);
    this.pump();
    return true;
  }

  /** Service shutdown: running jobs are stopped and marked interrupted (resumable); queued ones stay queued. */
  async close(): Promise<void> {
    this.closed = true;
    // Slurm jobs go on without the service; the next one watches them again.
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    for (const id of [...this.children.keys()]) this.stop(id, 'interrupted');
    // Until every stopped job's record says so and no write is in flight: the next service reads these files.
    while (this.children.size > 0 || this.writes.size > 0) await Promise.all([...this.settled.values(), ...this.writes]);
  }

  private stop(id: string, as: JobState): void {
    const child = this.children.get(id);
    if (!child?.pid) return;
    this.stopping.set(id, as);
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => child.exitCode === null && child.signalCode === null && signalGroup(child.pid!, 'SIGKILL'), KILL_AFTER_MS).unref();
  }

  private pump(): void {
    while (!this.closed && this.children.size < this.opts.maxJobs && this.queue.length > 0) {
      void this.start(this.queue.shift()!);
    }
  }

  private async start(id: string): Promise<void> {
    const job = this.jobs.get(id)!;
    const files = jobFiles(this.opts.runsRoot, id);
    const workers = job.kind === 'mix' ? [] : ['--workers', String(this.opts.jobWorkers)];
    const argv = [BIGLM, job.kind, ...job.args, '--out', files.run, ...workers];
    const log = openSync(files.log, 'a');
    // Its own process group, so cancelling stops whatever the command started too.
    const child = spawn(process.execPath, argv, { cwd: this.opts.dataRoot, stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    this.children.set(id, child);
    // Listening before the record is written: a command that fails at once must not leave the job running.
    const recorded = this.update(Object.assign(job, { state: 'running', startedAt: new Date().toISOString(), pid: child.pid }));
    const settled = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => void recorded.then(() => this.finished(id, code, signal)).finally(resolve));
      child.once('error', (err) => void recorded.then(() => this.failedToStart(id, err)).finally(resolve));
    });
    this.settled.set(id, settled);
    void settled.then(() => this.settled.delete(id));
    await recorded;
  }

  private async finished(id: string, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const job = this.jobs.get(id)!;
    if (!this.children.delete(id)) return;
    const stoppedAs = this.stopping.get(id);
    this.stopping.delete(id);
    delete job.pid;
    job.finishedAt = new Date().toISOString();
    job.exitCode = code;
    if (stoppedAs !== undefined) {
      job.state = stoppedAs;
      job.error = stoppedAs === 'interrupted' ? INTERRUPTED : CANCELLED(id);
    } else if (code === 0 && job.executor === 'slurm') {
      // The arrays are submitted: the job runs in Slurm from here on.
      job.submitted = true;
      delete job.finishedAt;
      await this.update(job);
      this.watch(id);
      this.pump();
      return;
    } else if (code === 0) job.state = 'done';
    else {
      job.state = 'failed';
      const tail = (await readTail(jobFiles(this.opts.runsRoot, id).log, 4096)).trim().split('\n').slice(-5).join('\n');
      job.error = `${job.kind} exited with ${code ?? signal}: ${tail}`;
    }
    await this.update(job);
    this.pump();
  }

  private watch(id: string): void {
    const runDir = jobFiles(this.opts.runsRoot, id).run;
    const tick = async () => {
      let state;
      try {
        state = await slurmRunState(runDir);
      } catch (err) {
        this.emit('warning', `job ${id}: cannot ask Slurm (${(err as Error).message}); asking again`);
        return;
      }
      const job = this.jobs.get(id)!;
      if (state === 'queued or running' || !this.watches.has(id) || job.state !== 'running') return;
      this.unwatch(id);
      job.finishedAt = new Date().toISOString();
      if (state === 'finished') job.state = 'done';
      else Object.assign(job, { state: 'failed', error: `the Slurm arrays ended before the run finished (biglm status ${runDir} shows which ranks); POST /v1/jobs/${id}/resume submits the rest` });
      await this.update(job);
    };
    this.watches.set(id, setInterval(() => void tick(), SLURM_POLL_MS));
    void tick();
  }

  private unwatch(id: string): void {
    clearInterval(this.watches.get(id));
    this.watches.delete(id);
  }

  private async failedToStart(id: string, err: Error): Promise<void> {
    const job = this.jobs.get(id)!;
    if (!this.children.delete(id)) return;
    delete job.pid;
    await this.update(Object.assign(job, { state: 'failed', finishedAt: new Date().toISOString(), error: `could not start ${job.kind}: ${err.message}` }));
    this.pump();
  }

  private async update(job: JobRecord): Promise<void> {
    this.jobs.set(job.id, job);
    const write = saveJob(this.opts.runsRoot, job);
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
    this.emit('change', job.id);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** A command that outlived the service that started it: stop it, if that pid is still ours (its arguments name the job). */
function stopOrphan(job: JobRecord, dir: string): void {
  if (job.pid === undefined) return;
  try {
    if (readFileSync(`/proc/${job.pid}/cmdline`, 'utf8').includes(dir)) signalGroup(job.pid, 'SIGTERM');
  } catch {
    // gone already (or no /proc): nothing to stop
  }
}
