// Executors of the library API (datatrove's LocalPipelineExecutor / SlurmPipelineExecutor): where a
// pipeline's tasks run. Both open the run directory and execute it with the same functions `biglm prepare`
// uses, so a run started here resumes from the CLI (`biglm resume`) and the other way round. A run directory
// on S3 is worked on through a local mirror, with each task's marker reaching the bucket after its outputs.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { z } from 'zod';
import { consoleLogger, type Logger } from '../lib/log.js';
import type { ResolvedConfig } from '../pipeline/config/schema.js';
import { openRunDir } from '../pipeline/executor/run-dir.js';
import type { Execution, Executor } from '../pipeline/executor/executor.js';
import { localExecutor } from '../pipeline/executor/local.js';
import { slurmExecutor } from '../pipeline/executor/slurm/executor.js';
import { SlurmOptions } from '../pipeline/executor/slurm/options.js';
import { runStatus, type RunStatus } from '../pipeline/executor/status.js';
import { runPaths } from '../pipeline/runner/layout.js';
import { pushChanged } from '../pipeline/runner/remote-run.js';
import { loadRun } from '../pipeline/runner/task.js';
import { buildPlan } from '../pipeline/runner/plan.js';
import type { Manifest } from '../pipeline/runner/run-file-types.js';
import { defaultRegistries } from '../pipeline/registries.js';
import { ConfigError } from '../lib/config-errors.js';
import { Pipeline } from './pipeline.js';
import { openRunLocation } from './run-location.js';

export interface RunOptions {
  /**
   * The run directory: a local folder or `s3://bucket/prefix` (worked on in a local mirror under
   * `$BIGLM_SCRATCH`). Rerunning into the same one resumes; a different pipeline there is refused.
   */
  out: string;
  /** Start over in `out` instead of resuming (on S3: every object below it is deleted). */
  force?: boolean;
}

export interface RunResult {
  /** The run directory: the resolved local folder, or the s3:// URL. */
  runDir: string;
  /** For a run on S3: the local mirror the tasks worked in (the bucket holds every output). */
  mirror?: string;
  /** True when `out` already held this run and only unfinished tasks ran. */
  resumed: boolean;
  config: ResolvedConfig;
  execution: Execution;
}

/** A local run is complete when `run` returns: its manifest (totals, shards, tokenizer) is there. */
export interface CompletedRun extends RunResult {
  execution: Extract<Execution, { kind: 'completed' }>;
  manifest: Manifest;
}

/** A Slurm run is submitted when `run` returns; `SlurmExecutor.wait` follows it. */
export interface SubmittedRun extends RunResult {
  execution: Extract<Execution, { kind: 'submitted' }>;
}

abstract class PipelineExecutor {
  protected readonly log: Logger;
  constructor(log?: Logger) {
    this.log = log ?? consoleLogger('biglm: ');
  }

  protected abstract executor(): Executor;

  /** Runs (or submits) every task of `pipeline` that is not done yet in `opts.out`. */
  protected async start(pipeline: Pipeline | string, opts: RunOptions): Promise<RunResult> {
    const p = typeof pipeline === 'string' ? await Pipeline.fromConfigFile(pipeline) : pipeline;
    const reg = defaultRegistries();
    const config = await p.resolve(reg);
    const where = await openRunLocation(opts.out, { force: opts.force, label: 'RunOptions.out' });
    // a mirror was emptied by openRunLocation, together with the bucket
    const run = await openRunDir(where.local, config, reg, (opts.force ?? false) && where.remote === undefined);
    const execution = await this.executor().execute(run, this.log);
    // what no task's marker lists (the HTML report, Slurm's scripts and submissions)
    await pushChanged(where.local);
    return { runDir: where.shown, ...(where.remote ? { mirror: where.local } : {}), resumed: run.resumed, config, execution };
  }
}

export interface LocalExecutorOptions {
  /** Tasks at once: the main thread and workers − 1 pool threads (default: the number of cores). */
  workers?: number;
  /** A progress bar on stderr (default: only on a terminal). */
  progress?: boolean;
  log?: Logger;
}

/** Runs every task on this machine and returns when the run is complete. */
export class LocalExecutor extends PipelineExecutor {
  readonly workers: number;
  private readonly progress: boolean;
  constructor(options: LocalExecutorOptions = {}) {
    super(options.log);
    this.workers = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new ConfigError(`LocalExecutor workers = ${JSON.stringify(options.workers)}: give an integer ≥ 1`);
    this.progress = options.progress ?? Boolean(process.stderr.isTTY);
  }
  protected executor(): Executor {
    return localExecutor({ workers: this.workers, progress: this.progress });
  }

  /** Runs every task of `pipeline` (a Pipeline or a config file) not done yet in `opts.out`; resolves when the run is complete. */
  async run(pipeline: Pipeline | string, opts: RunOptions): Promise<CompletedRun> {
    const r = await this.start(pipeline, opts);
    if (r.execution.kind !== 'completed') throw new Error(`${r.runDir}: the local executor did not complete the run`);
    return { ...r, execution: r.execution, manifest: await readManifest(r.mirror ?? r.runDir) };
  }
}

export type SlurmExecutorOptions = z.input<typeof SlurmOptions> & { log?: Logger };

/**
 * Submits one job array per step (each after the one before) and returns the job ids; `wait` follows the
 * run until it is complete, or throws once nothing is queued and ranks are left over (what failed, and how
 * to resume). See docs/slurm.md.
 */
export class SlurmExecutor extends PipelineExecutor {
  readonly options: SlurmOptions;
  constructor({ log, ...options }: SlurmExecutorOptions = {}) {
    super(log);
    const parsed = SlurmOptions.safeParse(options);
    if (!parsed.success) throw new ConfigError(`SlurmExecutor: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.options = parsed.data;
  }
  protected executor(): Executor {
    return slurmExecutor(this.options);
  }

  /** Submits the tasks of `pipeline` not done yet in `opts.out` (one job array per step) and returns. */
  async run(pipeline: Pipeline | string, opts: RunOptions): Promise<SubmittedRun> {
    const r = await this.start(pipeline, opts);
    if (r.execution.kind !== 'submitted') throw new Error(`${r.runDir}: the Slurm executor did not submit the run`);
    return { ...r, execution: r.execution };
  }

  /** Polls the run (markers and the queue; a local folder or s3://…) until it is complete; returns its manifest. */
  async wait(runDir: string, opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<Manifest> {
    const { pollMs = 2000, timeoutMs = Infinity } = opts;
    const t0 = Date.now();
    // a bucket's markers are listed again at each poll; its bulk files are not needed to tell what is done
    const open = () => openRunLocation(runDir, { skip: (rel) => /^(shards|text|segments|dedup|tokenizer|excluded)\//.test(rel), label: 'SlurmExecutor.wait' });
    const first = await open();
    const dir = first.local;
    const plan = buildPlan(await loadRun(dir), dir, defaultRegistries());
    for (let poll = 0; ; poll++) {
      if (poll > 0 && first.remote !== undefined) await open();
      const st = await runStatus(dir, plan);
      if (st.complete) return readManifest(dir);
      if (!st.steps.some((s) => s.running > 0 || s.notDone.some((r) => r.queued))) {
        throw new Error(`${runDir}: the run stopped before it was complete (nothing is queued): ${summarize(st)}; see biglm status ${runDir}, then biglm resume ${runDir}`);
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`${runDir}: not complete after ${Math.round(timeoutMs / 1000)} s: ${summarize(st)}`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}

function summarize(st: RunStatus): string {
  return st.steps
    .filter((s) => s.done < s.worldSize)
    .map((s) => `${s.step} ${s.done}/${s.worldSize} done${s.failed ? `, ${s.failed} failed` : ''}`)
    .join('; ');
}

async function readManifest(runDir: string): Promise<Manifest> {
  return JSON.parse(await fs.readFile(runPaths.manifest(runDir), 'utf8')) as Manifest;
}
