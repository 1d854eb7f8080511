// Where a run stands, per step: ranks done / running / pending / failed. Markers are the truth for
// "done"; failure records (failures/<step>/<rank>.json) and, under Slurm, the queue (squeue, which also
// shows jobs that ended a moment ago), accounting (sacct, when the cluster keeps it) and the element
// logs tell the rest. A rank that is not done and not queued counts as failed when it ran (a log or a
// failure record says so, or accounting says it ended badly) and as pending otherwise — never submitted,
// or cancelled before it started, e.g. because an earlier step failed. `biglm resume` reruns both.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { exists } from '../../lib/atomic.js';
import { runPaths } from '../runner/layout.js';
import type { Plan } from '../runner/plan.js';
import { readFailure } from './failures.js';
import { hasCommand, sacct, squeue, type QueuedElement, type AccountedElement } from './slurm/slurm-commands.js';
import { elementLogPath } from './slurm/script.js';
import { allJobIds, latestElementOf, readSubmissions } from './slurm/submissions.js';
import { FINAL_STATES } from './slurm/executor.js';

export type RankState = 'done' | 'running' | 'pending' | 'failed';

export interface RankDetail {
  rank: number;
  state: RankState;
  /** `<array job>_<index>` of its latest submission, when submitted to Slurm. */
  job?: string;
  /** Why it is failed or pending, when known (the error, the Slurm state or reason). */
  why?: string;
  log?: string;
  /** Still in the Slurm queue (pending or running there). */
  queued?: boolean;
}

export interface StepStatus {
  step: string;
  worldSize: number;
  done: number;
  running: number;
  pending: number;
  failed: number;
  /** Every rank that is not done, with what is known about it. */
  notDone: RankDetail[];
}

export interface RunStatus {
  runDir: string;
  executor: 'local' | 'slurm';
  /** Whether the queue could be asked (squeue on PATH and answering). */
  queueKnown: boolean;
  accountingKnown: boolean;
  steps: StepStatus[];
  complete: boolean;
}

const RUNNING = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'STAGE_OUT', 'SIGNALING', 'RESIZING']);

export async function runStatus(runDir: string, plan: Plan): Promise<RunStatus> {
  const subs = await readSubmissions(runDir);
  const ids = allJobIds(subs);
  let queue: QueuedElement[] | undefined;
  let accounting: AccountedElement[] | undefined;
  if (ids.length > 0 && (await hasCommand('squeue'))) {
    try {
      queue = await squeue(ids);
    } catch {
      queue = undefined;
    }
    if (await hasCommand('sacct')) accounting = await sacct(ids);
  }
  const key = (job: string, index: number | undefined) => `${job}_${index ?? 0}`;
  const queued = new Map((queue ?? []).map((e) => [key(e.arrayJobId, e.index), e]));
  const accounted = new Map((accounting ?? []).map((e) => [key(e.arrayJobId, e.index), e]));

  const steps: StepStatus[] = [];
  for (const step of plan.steps) {
    const s: StepStatus = { step: step.name, worldSize: step.worldSize, done: 0, running: 0, pending: 0, failed: 0, notDone: [] };
    for (let rank = 0; rank < step.worldSize; rank++) {
      if (await exists(runPaths.marker(runDir, step.name, rank))) {
        s.done++;
        continue;
      }
      const detail: RankDetail = { rank, state: 'pending' };
      const failure = await readFailure(runDir, step.name, rank);
      const el = latestElementOf(subs, step.name, rank);
      if (el) {
        detail.job = key(el.jobId, el.index);
        const log = elementLogPath(runDir, step.name, el.jobId, el.index);
        if (existsSync(log)) detail.log = path.relative(runDir, log);
        const q = queued.get(detail.job);
        const a = accounted.get(detail.job);
        if (q && !FINAL_STATES.has(q.state)) {
          detail.state = RUNNING.has(q.state) ? 'running' : 'pending';
          detail.queued = true;
          detail.why = q.reason && q.reason !== 'None' ? `${q.state.toLowerCase()} (${q.reason})` : q.state.toLowerCase();
        } else {
          const ended = q?.state ?? a?.state;
          const ran = detail.log !== undefined || failure !== undefined;
          detail.state = ran || (ended !== undefined && ended !== 'CANCELLED' && ended !== 'PENDING') ? 'failed' : 'pending';
          detail.why = [ended?.toLowerCase(), failure?.error, ran ? undefined : 'did not start'].filter(Boolean).join(': ') || undefined;
        }
      } else if (failure) {
        detail.state = 'failed';
        detail.why = failure.error;
      }
      s[detail.state]++;
      s.notDone.push(detail);
    }
    steps.push(s);
  }
  return {
    runDir,
    executor: subs.length > 0 ? 'slurm' : 'local',
    queueKnown: queue !== undefined,
    accountingKnown: accounting !== undefined,
    steps,
    complete: steps.every((s) => s.done === s.worldSize),
  };
}

export function formatStatus(st: RunStatus, maxListed = 8): string {
  const lines: string[] = [];
  const source =
    st.executor === 'slurm'
      ? `slurm; queue ${st.queueKnown ? 'read' : 'not reachable'}, accounting ${st.accountingKnown ? 'read' : 'not available'}`
      : 'local';
  lines.push(`${st.runDir} (${source}): ${st.complete ? 'complete' : 'incomplete'}`);
  const w = Math.max(8, ...st.steps.map((s) => s.step.length));
  lines.push(`  ${'step'.padEnd(w)}  ${'ranks'.padStart(6)}  ${'done'.padStart(6)}  ${'running'.padStart(7)}  ${'pending'.padStart(7)}  ${'failed'.padStart(6)}`);
  st.steps.forEach((s, i) => {
    const prev = st.steps[i - 1];
    // A step after an incomplete one cannot start; say so rather than leave "pending" unexplained.
    const blocked = prev && prev.done < prev.worldSize && s.done < s.worldSize && !s.notDone.some((d) => d.queued) ? `  (waits for ${prev.step})` : '';
    lines.push(
      `  ${s.step.padEnd(w)}  ${String(s.worldSize).padStart(6)}  ${String(s.done).padStart(6)}  ${String(s.running).padStart(7)}  ` +
        `${String(s.pending).padStart(7)}  ${String(s.failed).padStart(6)}${blocked}`,
    );
    for (const d of s.notDone.filter((x) => x.state === 'failed').slice(0, maxListed)) {
      lines.push(`      failed rank ${d.rank}${d.job ? ` (${d.job})` : ''}${d.why ? `: ${d.why}` : ''}${d.log ? ` — log ${d.log}` : ''}`);
    }
  });
  const inQueue = st.steps.some((s) => s.notDone.some((d) => d.queued));
  if (!st.complete && !inQueue) {
    lines.push(`  resume with: biglm resume ${st.runDir}  (submits only the ranks without a completion marker)`);
  }
  return lines.join('\n');
}
