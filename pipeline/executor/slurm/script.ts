// The batch script of one step (`<run>/slurm/<step>.sh`) and the sbatch command lines that submit it.
// The script is plain bash a user can read and resubmit by hand. Its one argument is a ranks file:
// array element i runs entries i*K … i*K+K-1 of it through `biglm task --rank-from-env`.
//
// Preemption and time limits: sbatch gets `--requeue --signal=B:USR1@N`, so Slurm signals the batch
// shell N seconds before the limit (and on preemption, where the site sends a signal). The trap stops
// the worker and requeues this element (`scontrol requeue <array job>_<index>`; a bare job id could name
// the whole array). The requeued element runs the same ranks; those already marked done are skipped.

import * as path from 'node:path';
import type { SlurmOptions } from './options.js';

export interface ScriptInput {
  /** What `biglm task --run` is given: the run folder, or its s3:// URL when the run lives in a bucket. */
  runDir: string;
  /** Folder of the element logs (default <runDir>/logs/<step>); it must exist on every node. */
  logDir?: string;
  step: string;
  options: SlurmOptions;
  /** Absolute paths of node and of dist/cli/biglm.js, as seen from the compute nodes. */
  node: string;
  biglm: string;
}

/** Single-quotes a word for bash. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function stepScriptPath(runDir: string, step: string): string {
  return path.join(runDir, 'slurm', `${step}.sh`);
}

export function stepLogDir(runDir: string, step: string): string {
  return path.join(runDir, 'logs', step);
}

/** Log of one array element: Slurm's `%A_%a` pattern, resolved. */
export function elementLogPath(runDir: string, step: string, arrayJobId: string, index: number): string {
  return path.join(stepLogDir(runDir, step), `${arrayJobId}_${index}.out`);
}

export function jobName(runDir: string, step: string): string {
  return `biglm:${path.basename(runDir)}:${step}`;
}

export function renderStepScript(input: ScriptInput): string {
  const { runDir, step, options: o } = input;
  const workers = Math.min(o.cpusPerTask, o.tasksPerElement);
  const sbatchLines = [
    `--job-name=${jobName(runDir, step)}`,
    `--output=${path.join(input.logDir ?? stepLogDir(runDir, step), '%A_%a.out')}`,
    // A requeued element appends to the same log, so one file tells the whole story of an element.
    '--open-mode=append',
    `--cpus-per-task=${o.cpusPerTask}`,
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    '--requeue',
    `--signal=B:USR1@${o.requeueSignalSeconds}`,
    '--kill-on-invalid-dep=yes',
  ];
  const q = shellQuote;
  return `#!/bin/bash
# biglm: step ${step} of the run ${runDir}
# Written by \`biglm prepare/resume --executor slurm\`; submitted once per chunk of ranks as
#   sbatch --array=0-<n-1>[%P] [--dependency=afterok:<jobs of the step before>] slurm/${step}.sh <ranks file>
# Array element i runs entries i*${o.tasksPerElement} … i*${o.tasksPerElement}+${o.tasksPerElement - 1} of the ranks file (one rank per line); ranks
# whose marker (markers/${step}/<rank>.done) exists are skipped, so rerunning or requeueing is safe.
${sbatchLines.map((l) => `#SBATCH ${l}`).join('\n')}
set -uo pipefail

ranks_file=\${1:?usage: sbatch --array=... ${q(step)}.sh RANKS_FILE}
run=${q(runDir)}
node=\${BIGLM_NODE:-${q(input.node)}}
biglm=\${BIGLM_CLI:-${q(input.biglm)}}
element="\${SLURM_ARRAY_JOB_ID:-\${SLURM_JOB_ID:-?}}_\${SLURM_ARRAY_TASK_ID:-0}"
echo "biglm: ${step} element $element (job \${SLURM_JOB_ID:-?}, restart \${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -u +%FT%TZ)"

child=
requeue() {
  echo "biglm: USR1 at $(date -u +%FT%TZ) (time limit or preemption): stopping and requeueing $element"
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi
  scontrol requeue "$element"
  exit 0
}
trap requeue USR1

"$node" "$biglm" task --run "$run" --stage ${q(step)} --rank-from-env --ranks-file "$ranks_file" \\
  --tasks-per-element ${o.tasksPerElement} --workers ${workers} &
child=$!
# \`wait\` returns early when USR1 arrives; the trap then requeues and exits.
wait "$child"
rc=$?
echo "biglm: ${step} element $element exited with status $rc at $(date -u +%FT%TZ)"
exit $rc
`;
}

/** The sbatch arguments of one chunk: the array range, the dependency on the step before, the extras. */
export function chunkArgs(opts: {
  elements: number;
  options: SlurmOptions;
  dependsOn: string[];
  script: string;
  ranksFile: string;
}): string[] {
  const { elements, options, dependsOn } = opts;
  const throttle = options.arrayParallelism ? `%${options.arrayParallelism}` : '';
  return [
    `--array=0-${elements - 1}${throttle}`,
    ...(dependsOn.length > 0 ? [`--dependency=afterok:${dependsOn.join(':')}`] : []),
    ...options.extraArgs,
    opts.script,
    opts.ranksFile,
  ];
}

/** Splits the elements of a step into arrays of at most `maxArraySize` elements (indices 0..max-1). */
export function chunkRanks(ranks: number[], perElement: number, maxArraySize: number): number[][] {
  const perChunk = maxArraySize * perElement;
  const chunks: number[][] = [];
  for (let i = 0; i < ranks.length; i += perChunk) chunks.push(ranks.slice(i, i + perChunk));
  return chunks;
}
