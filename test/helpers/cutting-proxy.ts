// A TCP proxy that drops connections in the middle of a response: the first `cuts` connections whose
// response passes `afterBytes` are destroyed there, the way a flaky network or a load balancer does. With
// `mbps` each connection carries at most that many MB/s, as one connection to a real object store does; with
// `sharedMbps` all of them together do, as a store whose own limit (CPU, disk) more connections do not lift.

import { createServer, connect, type Server } from 'node:net';

export interface CuttingProxy {
  endpoint: string;
  /** Connections it has cut so far. */
  readonly cut: number;
  /** The request line of every request it passed on (`PUT /bucket/key?uploadId=… HTTP/1.1`). */
  readonly requests: string[];
  /** The most connections open at once (an HTTP client opens one for each request it runs at the same time). */
  readonly peakConnections: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number, opts: { cuts: number; afterBytes: number; mbps?: number; sharedMbps?: number }): Promise<CuttingProxy> {
  let left = opts.cuts;
  let cut = 0;
  let open = 0;
  let peakConnections = 0;
  const requests: string[] = [];
  const mbps = opts.mbps ?? opts.sharedMbps;
  const sharedPace = { due: performance.now() };
  const server: Server = createServer((client) => {
    peakConnections = Math.max(peakConnections, ++open);
    client.once('close', () => open--);
    const upstream = connect(targetPort, '127.0.0.1');
    let seen = 0;
    const pace = opts.sharedMbps ? sharedPace : { due: performance.now() };
    const doomed = { armed: true };
    client.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString('latin1').matchAll(/^(GET|PUT|POST|HEAD|DELETE) \S+ HTTP\/1\.1/gm)) requests.push(m[0]);
    });
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (doomed.armed && left > 0 && seen > opts.afterBytes) {
        left--;
        cut++;
        client.write(chunk.subarray(0, chunk.length - (seen - opts.afterBytes)));
        client.destroy();
        upstream.destroy();
        return;
      }
      if (!mbps) {
        client.write(chunk);
        return;
      }
      // each chunk waits for its turn on the link (a burst as each connection opens would lift the limit)
      const now = performance.now();
      const turn = Math.max(pace.due, now);
      pace.due = turn + chunk.length / (mbps * 1e3);
      if (turn - now <= 1) {
        client.write(chunk);
        return;
      }
      upstream.pause();
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        upstream.resume();
      }, turn - now);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get cut() {
      return cut;
    },
    get peakConnections() {
      return peakConnections;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
