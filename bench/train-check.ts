// The trainer alone, for a machine that gets only dist/ and a node_modules pruned to what the trainer
// loads (the GPU check bundle, scripts/gpu-bundle.sh): the biglm CLI imports every pipeline stage and
// their packages at start, this imports model/ and what it needs.
//
//   node dist/bench/train-check.js probe                 WebGPU adapter as JSON (vendor, limits, ...)
//   node dist/bench/train-check.js probe-raw             the same in this process: Dawn's and the Vulkan
//                                                        loader's messages (VK_LOADER_DEBUG=all) reach stderr
//   node dist/bench/train-check.js train ARGS            `biglm train ARGS`, then one JSON line
//   node dist/bench/train-check.js generate ARGS         `biglm generate ARGS`
//
// `train` prints {"check":"train", backend, step, loss, evalLoss, tokensPerSecond, params, tensors} where
// tensors holds tf.memory().numTensors before the run and after it (train() disposes the model and the
// optimizer, so a leak in the step shows as after > before).

import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { consoleLogger } from '../lib/log.js';
import { releaseBackend } from '../model/backend.js';
import { generateCommand, TRAIN_OVERRIDE_OPTIONS } from '../cli/commands/model.js';
import { TrainConfigSchema, type TrainConfigInput } from '../model/config.js';
import { train } from '../model/train.js';
import { writeReportOrWarn } from '../pipeline/report/report-file.js';
import { probeWebGpu } from '../model/webgpu.js';

async function trainChecked(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...TRAIN_OVERRIDE_OPTIONS,
      'batch-size': { type: 'string' },
      model: { type: 'string' },
    },
  });
  const input: TrainConfigInput = positionals[0] ? (JSON.parse(await fs.readFile(positionals[0], 'utf8')) as TrainConfigInput) : { examples: '' };
  if (values.examples) input.examples = values.examples;
  if (values.out) input.out = values.out;
  if (values.steps) input.steps = Number(values.steps);
  if (values.backend) input.backend = values.backend as TrainConfigInput['backend'];
  if (values['batch-size']) input.batchSize = Number(values['batch-size']);
  // --model '{"dModel":512,"nLayers":8}' overrides the config's model shape key by key.
  if (values.model) input.model = { ...input.model, ...(JSON.parse(values.model) as object) };
  const cfg = TrainConfigSchema.parse(input);
  const before = tf.memory().numTensors;
  const r = await train(cfg, { log: consoleLogger(''), writeReport: writeReportOrWarn });
  const after = tf.memory().numTensors;
  const line = {
    check: 'train',
    backend: r.backend.name,
    detail: r.backend.detail,
    step: r.step,
    loss: r.lastLoss,
    evalLoss: r.lastEvalLoss,
    tokensPerSecond: Math.round(r.tokensPerSecond),
    params: r.params,
    tensors: { before, after },
  };
  releaseBackend();
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'probe') {
    const p = await probeWebGpu();
    process.stdout.write(JSON.stringify(p) + '\n');
    return p.adapter ? 0 : 1;
  }
  if (cmd === 'probe-raw') {
    const { create } = (await import('webgpu')) as { create(flags: string[]): { requestAdapter(o?: object): Promise<{ info: Record<string, unknown> } | null> } };
    const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    const info: Record<string, unknown> = {};
    for (const k in adapter?.info) info[k] = adapter.info[k]; // getters on the prototype: spread sees none
    process.stdout.write(JSON.stringify({ adapter: adapter ? info : null }) + '\n');
    process.exit(adapter ? 0 : 1); // a live Dawn instance would keep the process running
  }
  if (cmd === 'train') {
    await trainChecked(rest);
    return 0;
  }
  if (cmd === 'generate') return generateCommand(rest);
  process.stderr.write('usage: train-check.js probe | probe-raw | train ARGS | generate ARGS\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`train-check: ${(err as Error)?.stack ?? err}\n`);
    releaseBackend();
    process.exitCode = 1;
  },
);
