// The status page at `/`: every job with its state, progress bar, throughput and a link to its report.
// Self-contained HTML (no scripts from elsewhere) that reloads itself every few seconds while jobs run.

import type { JobView } from './job-view.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statusPage(jobs: JobView[], tokenQuery: string): string {
  const active = jobs.some((j) => j.state === 'running' || j.state === 'queued');
  const rows = jobs
    .map((j) => {
      const p = j.progress;
      const pct = p.tasksTotal > 0 ? Math.round((100 * p.tasksDone) / p.tasksTotal) : j.state === 'done' ? 100 : 0;
      const rate = p.docsPerSecond !== undefined ? `${p.docsPerSecond.toLocaleString('en-US')} docs/s, ${p.mbPerSecond} MB/s` : '';
      const report = j.state === 'done' ? `<a class="report" href="${j.links.report}${tokenQuery}">report</a>` : '';
      return (
        `<tr data-job="${escape(j.id)}" data-state="${j.state}"><td><code>${escape(j.id)}</code></td><td>${j.kind}</td>` +
        `<td class="state ${j.state}">${j.state}</td>` +
        `<td><progress max="100" value="${pct}"></progress> ${p.tasksDone}/${p.tasksTotal} tasks</td>` +
        `<td>${rate}</td><td>${p.etaSeconds !== undefined ? `${p.etaSeconds} s` : ''}</td><td>${report}</td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>biglm jobs</title>
${active ? '<meta http-equiv="refresh" content="3">' : ''}
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }
.done { color: #1a7f37; } .failed { color: #cf222e; } .running { color: #0969da; } .cancelled, .interrupted { color: #9a6700; }
</style></head>
<body><h1>biglm jobs</h1>
<p id="summary">${jobs.length} job(s): ${['running', 'queued', 'done', 'failed', 'cancelled', 'interrupted'].map((s) => `${jobs.filter((j) => j.state === s).length} ${s}`).join(', ')}</p>
<table id="jobs"><thead><tr><th>job</th><th>kind</th><th>state</th><th>progress</th><th>throughput</th><th>ETA</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
