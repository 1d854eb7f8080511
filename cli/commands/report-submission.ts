// What `biglm prepare` and `biglm resume` print after a Slurm submission.

import * as path from 'node:path';
import type { Execution } from '../../pipeline/executor/executor.js';
import { isRemote } from '../../storage/index.js';

/** The job ids on stdout (one per line: `<step> <job id>`), how to follow on stderr. */
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
