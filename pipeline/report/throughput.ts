// The report's throughput section: characters and documents per second of every stage (its own time,
// summed over tasks: a per-core rate), and every task on a timeline by worker, so a straggler — the long
// task the others wait for — shows.

import type { Stats } from '../core/stats.js';
import type { TaskStatsFile } from '../runner/run-file-types.js';
import { barChart, dotChart, timelineChart, type TaskSpan } from './charts.js';
import { int, note, num, seconds, table, type Section } from './html.js';
import { READ_STAGE } from './prepare-funnel.js';

const MAX_LANES = 64;

/** Shortest readable worker names: the parts (host, pid) that differ between the run's workers. */
function laneNames(workers: string[]): Map<string, string> {
  const parsed = workers.map((w) => /^(.*) pid (\d+) thread (\d+)$/.exec(w));
  const hosts = new Set(parsed.map((p) => p?.[1]));
  const pids = new Set(parsed.map((p) => p?.[2]));
  return new Map(
    workers.map((w, i) => {
      const p = parsed[i];
      if (!p) return [w, w];
      const thread = p[3] === '0' ? 'main thread' : `thread ${p[3]}`;
      if (hosts.size > 1) return [w, `${p[1]} pid ${p[2]} ${thread}`];
      if (pids.size > 1) return [w, `pid ${p[2]} ${thread}`];
      return [w, thread];
    }),
  );
}

/** What a task read: documents and characters entering its first stage (the reader's count in a first segment). */
function taskInput(t: TaskStatsFile): { docs: number; chars: number } {
  let docs = t.stats.read;
  let chars = 0;
  for (const [name, s] of Object.entries(t.stats.stages)) {
    if (name === READ_STAGE) continue;
    docs = Math.max(docs, s.in);
    chars = Math.max(chars, s.counters.chars_in ?? 0);
  }
  return { docs, chars };
}

export function throughputSection(stats: Stats, order: string[], tasks: TaskStatsFile[]): Section {
  const parts: string[] = [];
  const stages = order.filter((n) => n !== READ_STAGE && stats.stages[n] && stats.stages[n].ms > 0);
  const rate = (n: number, ms: number) => (ms > 0 ? n / (ms / 1000) : 0);
  parts.push(
    table({
      id: 'stage-throughput',
      columns: [
        { label: 'stage', key: 'stage' },
        { label: 'time in stage', numeric: true, title: 'summed over tasks; upstream stages excluded' },
        { label: 'documents / s', numeric: true },
        { label: 'M characters / s', numeric: true },
      ],
      rows: stages.map((n) => {
        const s = stats.stages[n];
        return [n, { text: seconds(s.ms), sort: s.ms }, Math.round(rate(s.in, s.ms)), { text: num(rate(s.counters.chars_in ?? 0, s.ms) / 1e6), sort: rate(s.counters.chars_in ?? 0, s.ms) }];
      }),
    }),
  );
  const withChars = stages.filter((n) => (stats.stages[n].counters.chars_in ?? 0) > 0);
  if (withChars.length) {
    parts.push(
      barChart({
        id: 'stage-throughput',
        title: 'Throughput of each stage, per core',
        note: 'Characters entering the stage per second of the stage’s own time (upstream excluded), summed over tasks. Dedup stages also count the time of their global steps’ collection.',
        bars: withChars.map((n) => {
          const s = stats.stages[n];
          const r = rate(s.counters.chars_in ?? 0, s.ms) / 1e6;
          return { label: n, value: r, tip: `${n}: ${num(r)} M characters/s, ${int(rate(s.in, s.ms))} documents/s` };
        }),
        xLabel: 'million characters / s →',
        keepOrder: true,
      }),
    );
  }

  const timed = tasks.filter((t) => typeof t.startedAt === 'number' && typeof t.finishedAt === 'number');
  if (timed.length === 0) {
    parts.push(note('The task stats of this run hold no start and end times (written before biglm recorded them), so there is no timeline.'));
    return { id: 'throughput', title: 'Throughput and tasks', html: parts.join('\n') };
  }
  const t0 = Math.min(...timed.map((t) => t.startedAt!));
  const lanes = laneNames([...new Set(timed.map((t) => t.worker ?? 'unknown'))]);
  const steps = [...new Set(timed.map((t) => t.step))];
  const spans: TaskSpan[] = timed.map((t) => {
    const { docs, chars } = taskInput(t);
    const s = (t.finishedAt! - t.startedAt!) / 1000;
    const flow = docs > 0 ? `, ${int(docs)} documents, ${num(chars / 1e6)} M characters (${num(chars / 1e6 / Math.max(s, 1e-3))} M/s)` : '';
    return {
      lane: lanes.get(t.worker ?? 'unknown')!,
      step: t.step,
      start: (t.startedAt! - t0) / 1000,
      end: (t.finishedAt! - t0) / 1000,
      tip: `${t.step} rank ${t.rank}: ${s.toFixed(2)} s${flow}`,
    };
  });
  // One row per worker reads well up to a few dozen; a Slurm run has a process per task, and then the
  // durations below show the stragglers instead.
  if (lanes.size <= MAX_LANES) {
    parts.push(
      timelineChart({
        id: 'task-timeline',
        title: 'Tasks over time, by worker',
        note: `${int(timed.length)} tasks. A task resumed from an earlier run keeps that run's times.`,
        tasks: spans,
        steps,
      }),
    );
  } else {
    parts.push(note(`${int(lanes.size)} workers ran the ${int(timed.length)} tasks (a process per task, as under Slurm): too many rows for a timeline; the task durations below show the stragglers.`));
  }
  parts.push(
    dotChart({
      id: 'task-durations',
      title: 'Task durations, per step',
      note: 'One dot per task; a dot far to the right of its step’s others is a straggler (hover for its input and rate).',
      dots: timed.map((t, i) => ({ step: t.step, value: (t.finishedAt! - t.startedAt!) / 1000, tip: spans[i].tip })),
      xLabel: 'seconds →',
      steps,
    }),
  );
  return { id: 'throughput', title: 'Throughput and tasks', html: parts.join('\n') };
}
