// `biglm serve` as users start it: bad flags exit 2 naming flag, value and fix; SIGTERM ends it within 2 s
// even while requests are tokenizing.
import { describe, expect, it } from 'vitest';
import { randomLetters, runBiglm, startServe } from './helpers.js';

describe('biglm serve flags', () => {
  it.each([
    [['--port', '99999'], '--port "99999": must be at most 65535; give a TCP port from 0 to 65535 (0 picks a free one)'],
    [['--threads', '0'], '--threads "0": must be more than 0; give 1 or more worker threads'],
    [['--max-body', '0'], '--max-body "0": must be more than 0; give the largest body in bytes, 1 or more'],
    [['--port', 'eighty'], '--port "eighty": not a number; give a TCP port from 0 to 65535'],
    [['--port', '80.5'], '--port "80.5": not a whole number; give a TCP port'],
  ])('%j exits 2 with the flag, the value and the fix', async (args, message) => {
    const r = await runBiglm(['serve', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    // No raw zod issue JSON, no stack trace.
    expect(r.stderr).not.toMatch(/"code"|\bat .*\.js:\d+/);
  });

  it('jobs flags without --token-file, or --token-file without its roots, exit 2 saying what is missing', async () => {
    const stray = await runBiglm(['serve', '--data-root', '/tmp']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--data-root belongs to the jobs API, which is off; add --token-file FILE to turn it on');
    const noRoots = await runBiglm(['serve', '--token-file', '/tmp/token', '--data-root', '/tmp']);
    expect(noRoots.code).toBe(2);
    expect(noRoots.stderr).toContain('--token-file needs --runs-root DIR too');
    const jobs = await runBiglm(['serve', '--token-file', '/tmp/t', '--data-root', '/tmp', '--runs-root', '/tmp', '--max-jobs', '0']);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toContain('--max-jobs "0": not a whole number of 1 or more; give how many jobs may run at once');
  });

  it('an unknown flag exits 2 with the usage', async () => {
    const r = await runBiglm(['serve', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('Usage: biglm serve');
  });

  it('a default encoding it does not offer exits 1 before listening', async () => {
    const r = await runBiglm(['serve', '--port', '0', '--encoding', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("default encoding 'nope' is not offered; known: gpt2");
  });
});

describe('SIGTERM', () => {
  it('exits within 2 s while both threads tokenize large requests', async () => {
    const served = await startServe(['--threads', '2', '--small-bytes', '1000']);
    // Two requests that take many seconds each, so both threads are busy when the signal comes.
    const bodies = [randomLetters(3_000_000, 7), randomLetters(3_000_000, 8)].map((text) => JSON.stringify({ text }));
    const pending = bodies.map((body) =>
      fetch(`${served.url}/v1/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        (r) => r.status,
        () => 'connection closed',
      ),
    );
    await new Promise((r) => setTimeout(r, 800));
    const sent = performance.now();
    served.child.kill('SIGTERM');
    const { code, at } = await served.exited;
    const seconds = (at - sent) / 1000;
    console.log(`biglm serve exited ${seconds.toFixed(2)} s after SIGTERM:\n${served.stderr()}`);
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(2);
    expect(served.stderr()).toContain('SIGTERM, shutting down');
    // Every client got an answer or a closed connection, none hangs.
    for (const status of await Promise.all(pending)) expect([503, 'connection closed']).toContain(status);
  });
});
