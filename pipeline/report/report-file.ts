// The report's lazy entry point: commands that end by writing report.html load the charting code only then.

import { reportPath } from './report-path.js';

export { REPORT_FILE, reportPath } from './report-path.js';

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
