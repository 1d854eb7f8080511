// A real S3-compatible server for tests: s3rver (the S3 REST API over a local folder) on 127.0.0.1 with a
// random port, and the environment a biglm process needs to reach it (endpoint, path style, s3rver's keys).

import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';
import { configureS3, resetS3Clients } from '../../storage/index.js';

export interface TestS3 {
  endpoint: string;
  port: number;
  /** Environment for a child `biglm` process (and applied to this one while the server runs). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** s3rver accepts exactly this key pair; any other is refused with InvalidAccessKeyId. */
export const S3RVER_KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export async function startS3(buckets: string[]): Promise<TestS3> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'biglm-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...S3RVER_KEYS, AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', BIGLM_S3_PATH_STYLE: '1', BIGLM_STORAGE_BACKOFF_MS: '20' };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  configureS3({});
  return {
    endpoint,
    port,
    env,
    async close() {
      resetS3Clients();
      await server.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
