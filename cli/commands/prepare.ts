// `biglm prepare`: raw dumps → filtered, deduplicated, tokenized Arrow shards with a manifest.

import * as path from 'node:path';
import * as os from 'node:os';
import { promises as fs } from 'node:fs';
import { parseCommand, intOption, UsageError } from '../args.js';
import { loadConfigFile } from '../../pipeline/config/resolve.js';
import { Pipeline } from '../../api/pipeline.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { EXECUTOR_FLAGS, EXECUTOR_HELP, executorFrom } from './executor-flags.js';
import type { Execution } from '../../pipeline/executor/executor.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { countingLogger } from '../log.js';
import { COMMON_CRAWL_BASE, readInputList } from '../../pipeline/config/input-list.js';
import { isRemote, schemeOf } from '../../storage/index.js';
import { openMirror, pushChanged } from '../../pipeline/runner/remote-run.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';

export const PREPARE_HELP = `biglm prepare <config.json> [--out DIR] [--workers N] [--force] [--strict]
biglm prepare --input PATH... --out DIR [--format auto|warc|wat|jsonl|json|parquet|arrow] [--tokenizer NAME]
biglm prepare <config.json> --input PATH... [--out DIR]     (the config's stages on other inputs)

Read raw dumps, run the configured stages (extraction, filters, dedup), tokenize, and write Arrow
shards with manifest.json, stats.json and report.txt into the run directory.

  --out DIR          run directory (default: runs/<config name>)
  --workers N        tasks run at once: the main thread and N-1 pool threads (default: number of cores);
                     output does not depend on it
  --force            start over in DIR instead of resuming
  --strict           exit non-zero when any input was bad (warnings), after finishing the run
  --input PATH       input files, folders or globs (repeatable): quick mode without a config, or
                     with a config, replacing its inputs; local, s3://bucket/prefix/**/*.warc.gz or https://…
  --input-list F     a paths file (one path a line, plain or .gz, local, s3:// or https://), each line
                     joined to --input-base: Common Crawl's warc.paths.gz / wet.paths.gz; like --input
  --input-base URL   base of the paths in --input-list (default ${COMMON_CRAWL_BASE})
  --format F         quick mode: input format (default auto, from each file name)
  --tokenizer NAME   quick mode: tokenizer (default cl100k_base)
  --text-output F    also write kept documents as text: none|jsonl|parquet
  --no-progress      no progress bar
${EXECUTOR_HELP}
Rerunning the same command resumes: finished tasks are skipped (so does \`biglm resume DIR\`).`;

export async function prepareCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    {
      out: { type: 'string' },
      workers: { type: 'string' },
      force: { type: 'boolean' },
      strict: { type: 'boolean' },
      input: { type: 'string', multiple: true },
      'input-list': { type: 'string' },
      'input-base': { type: 'string' },
      format: { type: 'string' },
      tokenizer: { type: 'string' },
      'text-output': { type: 'string' },
      'no-progress': { type: 'boolean' },
      ...EXECUTOR_FLAGS,
    },
    PREPARE_HELP,
  );
  if (wantsHelp) {
    console.log(PREPARE_HELP);
    return 0;
  }
  const reg = defaultRegistries();
  const log = countingLogger();
  if (values['input-base'] && !values['input-list']) throw new UsageError('--input-base goes with --input-list');
  if (values['input-list']) values.input = [...(values.input ?? []), ...(await readInputList(values['input-list'], values['input-base']))];
  let raw: Record<string, unknown>;
  let configDir: string;
  let defaultOut: string;
  if (values.input && positionals.length === 0) {
    if (!values.out) throw new UsageError('--out DIR is required with --input');
    raw = {
      inputs: values.input,
      reader: { format: values.format ?? 'auto' },
      tokenizer: { name: values.tokenizer ?? 'cl100k_base' },
    };
    configDir = process.cwd();
    defaultOut = values.out;
  } else {
    if (positionals.length !== 1) throw new UsageError(`expected one config file\n\n${PREPARE_HELP}`);
    if (values.format || values.tokenizer) throw new UsageError('--format and --tokenizer belong to quick mode (--input); set them in the config');
    const loaded = await loadConfigFile(positionals[0]);
    raw = loaded.raw as Record<string, unknown>;
    configDir = loaded.dir;
    // --input with a config replaces its inputs (paths relative to where the command runs).
    if (values.input) raw = { ...raw, inputs: values.input.map((p) => (isRemote(p) ? p : path.resolve(p))) };
    defaultOut = path.join('runs', path.basename(positionals[0]).replace(/\.json$/, ''));
  }
  if (values['text-output']) {
    raw = { ...raw, output: { ...((raw.output as object) ?? {}), textOutput: values['text-output'] } };
  }
  const remoteOut = values.out !== undefined && isRemote(values.out) ? values.out.replace(/\/+$/, '') : undefined;
  if (remoteOut && schemeOf(remoteOut) !== 's3') throw new UsageError(`--out ${values.out}: HTTP(S) is read-only; write the run to a local folder or s3://bucket/prefix`);
  if (!remoteOut) await checkRunDirPath(path.resolve(values.out ?? defaultOut), values.out === undefined ? `the default run directory ${defaultOut}` : `--out ${values.out}`);
  // The library's Pipeline, as `biglm` users' own scripts build it (api/pipeline.ts).
  const cfg = await Pipeline.fromConfig(raw, configDir).resolve(reg, log);
  const workers = intOption(values.workers, 'workers') ?? os.availableParallelism();
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

/** After a Slurm submission: the job ids on stdout (one per line: `<step> <job id>`), how to follow on stderr. */
export function reportSubmission(execution: Extract<Execution, { kind: 'submitted' }>, runDir: string): number {
  const here = path.relative(process.cwd(), runDir) || '.';
  const rel = isRemote(runDir) || here.startsWith('..') ? runDir : here;
  if (!execution.submission) {
    process.stderr.write(`nothing to submit: all ${execution.tasksSkipped} task(s) are done; shards in ${rel}/shards\n`);
    return 0;
  }
  for (const st of execution.submission.steps) for (const a of st.arrays) console.log(`${st.step} ${a.jobId}`);
  process.stderr.write(
    `submitted ${execution.submission.steps.length} step(s) (submission ${execution.submission.id}, ${execution.tasksSkipped} task(s) already done); ` +
      `follow with: biglm status ${rel}   logs: ${rel}/logs/<step>/<job>_<index>.out\n`,
  );
  return 0;
}
