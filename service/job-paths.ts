// Where a job lives: `<runs-root>/<id>/job.json` (its record), `request.json` (the checked config),
// `log.txt` (the command's output) and `run/` (the run directory the command writes). Everything the
// service knows about a job is in that folder, so a restarted service finds its jobs again.

import * as path from 'node:path';

export const JOB_ID = /^job-[a-z0-9]{4,40}$/;

export const jobDir = (root: string, id: string) => path.join(root, id);
export const jobRunDir = (root: string, id: string) => path.join(root, id, 'run');
export const jobFiles = (root: string, id: string) => ({
  record: path.join(root, id, 'job.json'),
  request: path.join(root, id, 'request.json'),
  log: path.join(root, id, 'log.txt'),
  run: jobRunDir(root, id),
});
