// The piscina worker: one function on plain data. Runs one (step, rank) task and reports progress
// through the MessagePort it was handed.

import { workerData, type MessagePort } from 'node:worker_threads';
import { runTask, warmEncoding, type TaskRequest, type TaskResult } from '../run/task.js';
import { defaultRegistries } from '../registries.js';
import { consoleLogger, type Logger } from '../../lib/log.js';
import type { PoolWorkerData } from './pool.js';
import { sharePieceTable } from '../../tokenizer/index.js';

export interface WorkerTask extends TaskRequest {
  port?: MessagePort;
}

const data = workerData as Partial<PoolWorkerData> | null;
for (const [encoding, table] of Object.entries(data?.pieceTables ?? {})) sharePieceTable(encoding, table);

// A thread started ahead of its tasks (executor/pool.ts) loads their tokenizer now. A failure here is
// not reported: the task that needs the tokenizer loads it again and reports the error itself.
const warmup = data?.warmup;
if (warmup?.tokenizer) {
  try {
    warmEncoding(warmup.tokenizer);
  } catch {
    // reported by the task
  }
}

export default async function runWorkerTask(task: WorkerTask): Promise<TaskResult> {
  const { port, ...req } = task;
  const log: Logger = port
    ? { info: (msg) => port.postMessage({ kind: 'log', level: 'info', msg }), warn: (msg) => port.postMessage({ kind: 'log', level: 'warn', msg }) }
    : consoleLogger();
  try {
    return await runTask(req, defaultRegistries(), {
      log,
      onProgress: port ? (p) => port.postMessage({ kind: 'progress', ...p }) : undefined,
    });
  } finally {
    port?.close();
  }
}
