// Where a run's report lives. Its own module, so `biglm status` and `biglm inspect` can print the path
// without loading the charting library.

import * as path from 'node:path';

export const REPORT_FILE = 'report.html';

/** Where a run's report is (whether or not it has been written yet). */
export function reportPath(runDir: string): string {
  return path.join(runDir, REPORT_FILE);
}

/** `writeRunReport` (./index.ts) for the library's entry point, loading the charting code only when called. */
export async function writeRunReportLazily(runDir: string): Promise<string> {
  return (await import('./index.js')).writeRunReport(runDir);
}

/**
 * Writes the run's report.html at the end of a command, loading the charting code only now. The report
 * is a view of files already written: a failure to draw it is a warning naming the fix, never a failed run.
 */
export async function writeReportOrWarn(runDir: string, log: { warn(msg: string): void }): Promise<string | undefined> {
  try {
    const { writeRunReport } = await import('./index.js');
    return await writeRunReport(runDir);
  } catch (e) {
    log.warn(`${reportPath(runDir)} was not written (${(e as Error).message}); \`biglm report ${runDir}\` writes it`);
    return undefined;
  }
}
