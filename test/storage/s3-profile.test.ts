// Credentials and endpoint the way the AWS CLI finds them: a named profile in ~/.aws/credentials (here files
// named by AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE) with no key in the environment, and the endpoint of
// an S3-compatible store from the profile's `endpoint_url`, against s3rver on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configureS3, readBytes, StorageAccessError, writeObject } from '../../storage/index.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let s3: TestS3;
const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-aws-'));
const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  s3 = await startS3(['profiles']);
  await writeObject('s3://profiles/a.txt', 'read with a profile');
  for (const k of keys) saved[k] = process.env[k];
  writeFileSync(path.join(dir, 'credentials'), '[lm]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[wrong]\naws_access_key_id = NOPE\naws_secret_access_key = NOPE\n');
  writeFileSync(path.join(dir, 'config'), `[profile lm]\nregion = us-east-1\nendpoint_url = ${s3.endpoint}\n\n[profile wrong]\nregion = us-east-1\nendpoint_url = ${s3.endpoint}\n`);
});

afterAll(async () => {
  for (const k of keys) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  configureS3({});
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

function useProfile(name: string): void {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_PROFILE = name;
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  configureS3({});
}

describe('S3 credentials and endpoint from an AWS profile', () => {
  it('reads with the keys and the endpoint_url of AWS_PROFILE (path-style from BIGLM_S3_PATH_STYLE)', async () => {
    useProfile('lm');
    expect((await readBytes('s3://profiles/a.txt')).toString()).toBe('read with a profile');
  });

  it('names the object when the profile holds keys the store refuses', async () => {
    useProfile('wrong');
    const err = await readBytes('s3://profiles/a.txt').catch((e) => e);
    expect(err).toBeInstanceOf(StorageAccessError);
    expect(err.message).toMatch(/^s3:\/\/profiles\/a\.txt: access denied \(InvalidAccessKeyId/);
  });
});
