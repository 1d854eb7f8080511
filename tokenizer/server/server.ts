// The tokenizer service on its own over HTTP (node:http), loopback by default. `biglm serve` runs the jobs
// service (service/), which composes the same routes with the jobs API.

import { createServer } from 'node:http';
import { closeServer, listen, requestUrl, sendJson } from './http.js';
import { tokenizerRoutes } from './routes.js';
import type { ServerOptions } from './options.js';

export { serverOptionsSchema, type ServerOptions } from './options.js';

export interface TokenizerServer {
  url: string;
  close(): Promise<void>;
}

export async function startTokenizerServer(options: ServerOptions = {}): Promise<TokenizerServer> {
  const routes = tokenizerRoutes(options);
  const server = createServer((req, res) => {
    const url = requestUrl(req);
    routes
      .route(req, res, url)
      .then((handled) => handled || sendJson(res, 404, { error: `no route ${url.pathname}` }))
      .catch((err: Error) => sendJson(res, 500, { error: `internal error: ${err.message}` }));
  });
  // A client that sends garbage or vanishes must not take the server down.
  server.on('clientError', (_err, socket) => socket.destroy());
  let url: string;
  try {
    url = await listen(server, routes.options.port, routes.options.host);
  } catch (err) {
    await routes.close(0);
    throw err;
  }
  return {
    url,
    close: async () => {
      const grace = routes.options.shutdownGraceMs;
      // Connections are cut a little after the routes stop their requests, so those still get their 503.
      await Promise.all([closeServer(server, grace + 200), routes.close(grace)]);
    },
  };
}
