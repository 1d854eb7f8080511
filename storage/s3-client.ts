// One S3 client per endpoint, configured the way the AWS CLI is: region, credentials (environment variables,
// then `~/.aws/credentials` / `~/.aws/config` with AWS_PROFILE, SSO, instance roles: the SDK's default chain)
// and, for S3-compatible stores (MinIO, R2, Ceph, a local test server), an endpoint with path-style addressing.

import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  /** `https://minio.example:9000`; default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS itself. */
  endpoint?: string;
  /** `bucket` in the path instead of the host name; default true when an endpoint is given (what MinIO/Ceph expect). */
  pathStyle?: boolean;
  /** Default AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1. */
  region?: string;
}

// The SDK warns on every process that Node 20 support ends in 2027; biglm supports Node >= 20 and says so itself.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let configured: S3Settings = {};
const clients = new Map<string, S3Client>();

/** Settings from a config or the command line, over the environment's. */
export function configureS3(settings: S3Settings): void {
  configured = { ...settings };
  resetS3Clients();
}

/** Forget the clients, so that the next request reads credentials again (after they expired). */
export function resetS3Clients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}

export function s3Settings(env: NodeJS.ProcessEnv = process.env): Required<Pick<S3Settings, 'pathStyle'>> & S3Settings {
  const endpoint = configured.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? undefined;
  const flag = env.BIGLM_S3_PATH_STYLE ?? env.AWS_S3_FORCE_PATH_STYLE;
  const pathStyle = configured.pathStyle ?? (flag !== undefined ? /^(1|true|yes)$/i.test(flag) : endpoint !== undefined);
  const region = configured.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? undefined;
  return { endpoint, pathStyle, region };
}

export function s3Client(): S3Client {
  const s = s3Settings();
  const key = `${s.endpoint ?? ''}|${s.pathStyle}|${s.region ?? ''}`;
  let client = clients.get(key);
  if (!client) {
    client = new S3Client({
      endpoint: s.endpoint,
      forcePathStyle: s.pathStyle,
      // the SDK asks the profile for a region, and fails without one; S3 answers any region's requests with a redirect
      region: s.region ?? (process.env.AWS_PROFILE ? undefined : 'us-east-1'),
      // S3-compatible stores that predate the SDK's default CRC32 checksums reject or mangle them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // reads resume at the byte reached themselves (read.ts); the SDK retries the rest
      maxAttempts: 4,
    });
    clients.set(key, client);
  }
  return client;
}
