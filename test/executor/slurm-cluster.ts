// A real Slurm cluster for the end-to-end test: the one CI started (SLURM_CONF set and answering), or a
// one-node cluster started here with scripts/slurm-cluster.sh (needs root and the Debian packages) and
// stopped by `stop()`. When neither is possible the test is skipped with the reason.

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './fixtures.js';

export type Cluster = { ok: true; conf: string; startedHere: boolean; stop(): Promise<void> } | { ok: false; reason: string };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 127) : 0, stdout, stderr });
    });
  });
}

async function answers(conf: string): Promise<boolean> {
  const r = await run('sinfo', ['-h', '-o', '%T'], { ...process.env, SLURM_CONF: conf }, 15_000);
  return r.code === 0 && /idle|mixed|allocated/.test(r.stdout);
}

export async function acquireCluster(): Promise<Cluster> {
  const existing = process.env.SLURM_CONF;
  if (existing && (await answers(existing))) return { ok: true, conf: existing, startedHere: false, stop: async () => {} };
  for (const tool of ['sbatch', 'sinfo', 'slurmctld', 'slurmd', 'munged']) {
    if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) {
      return { ok: false, reason: `${tool} is not installed (Debian: apt-get install slurmctld slurmd slurm-client munge; .ci/run does it)` };
    }
  }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'starting a one-node Slurm cluster needs root (or set SLURM_CONF to a running cluster)' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-slurm-'));
  const script = path.join(repoRoot, 'scripts', 'slurm-cluster.sh');
  const stop = async () => {
    await run('bash', [script, 'stop', dir]);
  };
  // A small MaxArraySize, as in CI, so the 5-rank steps of the test are split into two arrays.
  const started = await run('bash', [script, 'start', dir], { ...process.env, SLURM_MAX_ARRAY_SIZE: '4' }, 120_000);
  const conf = path.join(dir, 'slurm.conf');
  if (started.code !== 0 || !(await answers(conf))) {
    await stop();
    return { ok: false, reason: `scripts/slurm-cluster.sh start failed: ${started.stderr.trim().split('\n').slice(-5).join(' | ')}` };
  }
  return { ok: true, conf, startedHere: true, stop };
}
