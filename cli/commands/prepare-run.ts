// `biglm prepare` once its arguments are checked and its worker threads started (./prepare.ts): the inputs and
// the resolved config, the run directory, the executor, and what the run did.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { UsageError } from '../args.js';
import { Pipeline } from '../../api/pipeline.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { executorFrom } from './executor-flags.js';
import { runPaths } from '../../pipeline/run/layout.js';
import { countingLogger } from '../log.js';
import { readInputList } from '../../pipeline/config/input-list.js';
import { isRemote, schemeOf } from '../../storage/index.js';
import { openMirror, pushChanged } from '../../pipeline/run/remote-run.js';
import type { Manifest } from '../../pipeline/run/finalize.js';
import { reportSubmission } from './report-submission.js';
import type { PrepareRequest } from './prepare.js';

export async function runPrepare({ values, configFile, workers }: PrepareRequest): Promise<number> {
  const reg = defaultRegistries();
  const log = countingLogger();
  const inputs = values['input-list'] ? [...(values.input ?? []), ...(await readInputList(values['input-list'], values['input-base']))] : values.input;
  let raw: Record<string, unknown>;
  let configDir: string;
  let defaultOut: string;
  if (!configFile) {
    raw = {
      inputs,
      reader: { format: values.format ?? 'auto' },
      tokenizer: { name: values.tokenizer ?? 'cl100k_base' },
    };
    configDir = process.cwd();
    defaultOut = values.out!;
  } else {
    raw = configFile.raw as Record<string, unknown>;
    configDir = configFile.dir;
    // --input with a config replaces its inputs (paths relative to where the command runs).
    if (inputs) raw = { ...raw, inputs: inputs.map((p) => (isRemote(p) ? p : path.resolve(p))) };
    defaultOut = path.join('runs', path.basename(configFile.path).replace(/\.json$/, ''));
  }
  if (values['text-output']) {
    raw = { ...raw, output: { ...((raw.output as object) ?? {}), textOutput: values['text-output'] } };
  }
  const remoteOut = values.out !== undefined && isRemote(values.out) ? values.out.replace(/\/+$/, '') : undefined;
  if (remoteOut && schemeOf(remoteOut) !== 's3') throw new UsageError(`--out ${values.out}: HTTP(S) is read-only; write the run to a local folder or s3://bucket/prefix`);
  if (!remoteOut) await checkRunDirPath(path.resolve(values.out ?? defaultOut), values.out === undefined ? `the default run directory ${defaultOut}` : `--out ${values.out}`);
  // The library's Pipeline, as `biglm` users' own scripts build it (api/pipeline.ts).
  const cfg = await Pipeline.fromConfig(raw, configDir).resolve(reg, log);
  const executor = executorFrom(values, { workers, progress: !values['no-progress'] });
  // A run on S3 works in a local mirror of it; each task's outputs reach the bucket before its marker.
  const runDir = remoteOut ? await openMirror(remoteOut, { force: Boolean(values.force) }) : path.resolve(values.out ?? defaultOut);
  const run = await openRunDir(runDir, cfg, reg, Boolean(values.force) && !remoteOut);
  const shown = remoteOut ?? runDir;
  log.info(
    `${run.resumed ? 'resuming' : 'preparing'} ${shown}${remoteOut ? ` (local mirror ${runDir})` : ''}: ${cfg.inputs.length} input file(s), ${run.plan.worldSize} task(s), ` +
      `${executor.kind === 'local' ? `${Math.min(workers, run.plan.worldSize)} worker(s)` : 'Slurm job arrays'}, steps ${run.plan.steps.map((s) => s.name).join(' → ')}`,
  );
  const t0 = Date.now();
  const execution = await executor.execute(run, log);
  // what no task's marker lists (the HTML report, Slurm's scripts and submissions)
  await pushChanged(runDir);
  if (execution.kind === 'submitted') return reportSubmission(execution, remoteOut ?? runDir);
  const summary = execution;
  const manifest = JSON.parse(await fs.readFile(runPaths.manifest(runDir), 'utf8')) as Manifest;
  process.stderr.write(await fs.readFile(runPaths.report(runDir), 'utf8'));
  log.info(
    `done in ${((Date.now() - t0) / 1000).toFixed(1)} s (${summary.tasksRun} task(s) run, ${summary.tasksSkipped} already done): ` +
      `${manifest.totals.kept} of ${manifest.totals.read} documents kept, ${manifest.totals.tokens} tokens → ${remoteOut ?? (path.relative(process.cwd(), runDir) || '.')}/shards`,
  );
  if (values.strict && log.warnings > 0) {
    log.warn(`--strict: ${log.warnings} warning(s) about the input; exiting with status 3`);
    return 3;
  }
  return 0;
}

/** A run directory must be a folder (made if missing): a file there would end the run with a raw ENOTDIR. */
async function checkRunDirPath(runDir: string, named: string): Promise<void> {
  for (let dir = runDir; ; dir = path.dirname(dir)) {
    const st = await fs.stat(dir).catch(() => undefined);
    if (st?.isDirectory()) return;
    if (st !== undefined) {
      const where = dir === runDir ? 'is an existing file' : `is inside ${dir}, which is a file`;
      throw new UsageError(`${named} ${where}, not a folder: name a new or empty folder for the run (or an earlier run's folder to resume it)`);
    }
    if (path.dirname(dir) === dir) return;
  }
}
