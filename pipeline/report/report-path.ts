// Where a run's report lives. Its own module, so `biglm status` and `biglm inspect` can print the path
// without loading the charting library, and the report's sections can link to it without importing the
// lazy entry point that loads them.

import * as path from 'node:path';

export const REPORT_FILE = 'report.html';

/** Where a run's report is (whether or not it has been written yet). */
export function reportPath(runDir: string): string {
  return path.join(runDir, REPORT_FILE);
}
