// Options of the tokenizer service, with the limits that keep it answering under abuse.

import { z } from 'zod';

export const serverOptionsSchema = z
  .object({
    host: z.string().default('127.0.0.1').describe('address to listen on; loopback unless told otherwise'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (0: any free port)'),
    token: z.string().min(1).optional().describe('bearer token required on /v1/* (default: env BIGLM_TOKEN, else none)'),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024)
      .describe('largest request body accepted, after decoding gzip/deflate/br; larger ones get 413'),
    threads: z.number().int().positive().optional().describe('tokenizer worker threads (default: available cores)'),
    defaultEncoding: z.string().default('cl100k_base').describe('encoding used when a request names none'),
    vocabularies: z.array(z.string()).default([]).describe('trained vocabularies to offer (paths), listed under their names'),
    smallBytes: z
      .number()
      .int()
      .nonnegative()
      .default(64 * 1024)
      .describe('bodies up to this size are small requests: one thread is kept for them while large ones run'),
    maxQueue: z.number().int().nonnegative().default(64).describe('requests of each kind (small, large) that may wait; past it 503 + Retry-After'),
    requestTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('a request tokenizing longer than this is stopped (its thread restarted) and answered 503'),
    maxTexts: z.number().int().positive().default(100_000).describe('most texts (or id sequences) in one batch request; more get 413'),
    shutdownGraceMs: z.number().int().nonnegative().default(500).describe('on close, how long requests in flight may finish before they are cut off'),
  })
  .strict();

export type ServerOptions = z.input<typeof serverOptionsSchema>;
export type ResolvedServerOptions = z.output<typeof serverOptionsSchema>;
