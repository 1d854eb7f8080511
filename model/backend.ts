// Picks and prepares the tfjs backend: native TensorFlow when installed, else WebGPU when a GPU adapter
// is found, else WASM (SIMD), else pure JS. Also registers the kernels a training step needs that the
// stock WASM backend lacks (UnsortedSegmentSum, the gradient of every tf.gather; docs/training.md says
// why); those overrides are for wasm (and cpu) only: tfjs-backend-webgpu has its own kernels.

import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../lib/log.js';
import { activateWebGpu, describeAdapter, probeWebGpu, releaseWebGpu, WEBGPU_REQUIREMENTS, type WebGpuProbe } from './webgpu.js';

export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** tfjs backend name now active: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable line: what was chosen and why. */
  detail: string;
}

/** Native bindings, tried in this order. Optional dependencies: absent unless a user installed them. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

async function tryNative(log: Logger): Promise<string | null> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps TypeScript from resolving a package that is not installed.
      const spec: string = pkg;
      await import(spec);
      if (await tf.setBackend('tensorflow')) return pkg;
    } catch (err) {
      if (!isModuleNotFound(err)) {
        log.warn(`${pkg} is installed but failed to load: ${(err as Error).message}`);
      }
    }
  }
  return null;
}

function isModuleNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * WebGPU when an adapter exists. `auto` (explicit = false) takes only a hardware adapter and says
 * nothing when there is none; `--backend webgpu` takes a software one too and explains a failure.
 */
let probed: Promise<WebGpuProbe> | undefined; // one child process per process, not per call

async function tryWebGpu(explicit: boolean, log: Logger): Promise<BackendInfo | null> {
  probed ??= probeWebGpu();
  const probe = await probed;
  if (!probe.adapter) {
    if (explicit) throw new Error(`--backend webgpu: no WebGPU adapter: ${probe.reason}. ${WEBGPU_REQUIREMENTS}`);
    return null;
  }
  if (probe.adapter.isFallbackAdapter && !explicit) return null;
  if (await activateWebGpu()) return { name: 'webgpu', detail: `webgpu (${describeAdapter(probe.adapter)})` };
  releaseWebGpu();
  const why = 'an adapter was found, but tfjs-backend-webgpu failed to start on it (see the warning above)';
  if (explicit) throw new Error(`--backend webgpu: ${why}; use --backend wasm`);
  log.warn(`${why}; using wasm`);
  return null;
}

let wasmLoaded = false;
async function tryWasm(): Promise<boolean> {
  if (!wasmLoaded) {
    await import('@tensorflow/tfjs-backend-wasm');
    wasmLoaded = true;
  }
  const ok = await tf.setBackend('wasm');
  if (ok) {
    registerMissingKernels('wasm');
    registerFastBatchMatMul();
    registerSharingIdentity();
  }
  return ok;
}

/**
 * Activates a backend. `auto`: native TensorFlow if installed, else WebGPU on a hardware adapter, else
 * WASM, else cpu. An explicit choice that cannot be honoured is a configuration error, not a silent
 * fallback; a fallback `auto` takes past a backend that is there but fails is a warning on `log`.
 */
export async function initBackend(choice: BackendChoice, log: Logger): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new Error(`unknown backend '${choice}'; known: ${BACKEND_CHOICES.join(', ')}`);
  }
  if (choice === 'auto' || choice === 'tensorflow') {
    const pkg = await tryNative(log);
    if (pkg) return { name: 'tensorflow', detail: `tensorflow (native, from ${pkg})` };
    if (choice === 'tensorflow') {
      throw new Error(`--backend tensorflow: neither ${NATIVE_PACKAGES.join(' nor ')} is installed; install one, or use --backend wasm`);
    }
  }
  if (choice === 'auto' || choice === 'webgpu') {
    const info = await tryWebGpu(choice === 'webgpu', log);
    if (info) return info;
  }
  if (choice === 'auto' || choice === 'wasm') {
    try {
      if (await tryWasm()) {
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        return { name: 'wasm', detail: `wasm (SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'})` };
      }
    } catch (err) {
      if (choice === 'wasm') throw err;
      log.warn(`wasm backend failed to start: ${(err as Error).message}; using cpu`);
    }
  }
  await tf.setBackend('cpu');
  registerMissingKernels('cpu');
  return { name: 'cpu', detail: 'cpu (pure JavaScript; slow)' };
}

/**
 * Lets go of what a backend holds outside the heap. Only WebGPU needs it: Dawn keeps the process alive
 * while its instance is referenced. Commands call it before they return; other backends stay as they are.
 */
export function releaseBackend(): void {
  releaseWebGpu();
}

// ---------------------------------------------------------------------------------------------------
// UnsortedSegmentSum as an O(N) JS kernel. WASM lacks it; the cpu backend's own loops over every
// output row for every input (minutes per step with an 8k-row embedding table), so we replace it too.

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}
interface CpuBackend {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo;
}

/** out[segmentIds[i], :] += x[i, :]; ids outside [0, numSegments) are skipped, as TensorFlow does. */
function segmentSum(x: ArrayLike<number>, ids: ArrayLike<number>, inner: number, out: Float32Array): void {
  const nSeg = out.length / inner;
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= nSeg) continue;
    const o = s * inner;
    const xi = i * inner;
    for (let k = 0; k < inner; k++) out[o + k] += x[xi + k];
  }
}

const registered = new Set<string>();

export function registerMissingKernels(backendName: 'wasm' | 'cpu'): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: only float32 is supported, got ${x.dtype}`);
      const idCount = segmentIds.shape.reduce((a, b) => a * b, 1);
      const innerShape = x.shape.slice(segmentIds.shape.length);
      const inner = innerShape.reduce((a, b) => a * b, 1);
      const outShape = [numSegments, ...innerShape];
      if (backendName === 'wasm') {
        const b = backend as unknown as HeapBackend;
        const out = b.makeOutput(outShape, 'float32');
        const outArr = b.typedArrayFromHeap(out) as Float32Array;
        outArr.fill(0);
        const xs = b.typedArrayFromHeap(x);
        const ids = b.typedArrayFromHeap(segmentIds);
        segmentSum(xs, ids.subarray(0, idCount), inner, outArr);
        return out;
      }
      const b = backend as unknown as CpuBackend;
      const outArr = new Float32Array(numSegments * inner);
      segmentSum(b.readSync(x.dataId) as Float32Array, b.readSync(segmentIds.dataId) as Int32Array, inner, outArr);
      return b.makeTensorInfo(outShape, 'float32', outArr);
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// BatchMatMul on WASM: XNNPACK's fast path covers only one plain (non-transposed) 2-D product; batched
// or transposed products fall to a naive loop at ~1-2 GFLOP/s. This override splits a batched product
// into per-batch 2-D products on the fast path, transposing slices in JS when asked (O(size), cheap
// next to the O(M·K·N) product). Attention then stays one tf.matMul per layer instead of B·H slices.

let fastMatMulRegistered = false;

function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  // src [rows, cols] -> dst [cols, rows]
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[o + c];
  }
}

interface WasmBackendLike extends HeapBackend {
  disposeData(dataId: object): boolean;
}

export function registerFastBatchMatMul(): void {
  if (fastMatMulRegistered) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) throw new Error('wasm backend has no BatchMatMul kernel to wrap');
  fastMatMulRegistered = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const aRank = a.shape.length;
      const bRank = b.shape.length;
      const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const plain2d = batchA === 1 && batchB === 1 && !transposeA && !transposeB;
      const broadcastable = batchA === batchB || batchA === 1 || batchB === 1;
      if (plain2d || !broadcastable || a.dtype !== 'float32' || b.dtype !== 'float32') {
        return original.kernelFunc(args) as tf.TensorInfo;
      }
      const M = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
      const K = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
      const N = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
      if ((transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) !== K) {
        return original.kernelFunc(args) as tf.TensorInfo; // let the original report the shape error
      }
      const batch = Math.max(batchA, batchB);
      const outerShape = (batchA >= batchB ? a.shape : b.shape).slice(0, -2);
      const be = backend as unknown as WasmBackendLike;
      const out = be.makeOutput([...outerShape, M, N], 'float32');
      let scratch = new Float32Array(0);
      for (let i = 0; i < batch; i++) {
        // Fresh operands every time: the wasm kernel caches XNNPACK's packed copy of `b` by tensor id,
        // so reusing one temporary would multiply every batch by the first batch's matrix. Views are
        // fetched afresh too, since a heap growth detaches old ones.
        const fill = (src: tf.TensorInfo, idx: number, rows: number, cols: number, transposed: boolean): tf.TensorInfo => {
          const tmp = be.makeOutput([rows, cols], 'float32');
          const size = rows * cols;
          const slice = (be.typedArrayFromHeap(src) as Float32Array).subarray(idx * size, (idx + 1) * size);
          const dst = be.typedArrayFromHeap(tmp) as Float32Array;
          if (!transposed) dst.set(slice);
          else {
            if (scratch.length < size) scratch = new Float32Array(size);
            transposeInto(slice, cols, rows, scratch); // stored [cols, rows]; write [rows, cols]
            dst.set(scratch.subarray(0, size));
          }
          return tmp;
        };
        const aTmp = fill(a, batchA > 1 ? i : 0, M, K, transposeA);
        const bTmp = fill(b, batchB > 1 ? i : 0, K, N, transposeB);
        const part = original.kernelFunc({ inputs: { a: aTmp, b: bTmp }, backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
        (be.typedArrayFromHeap(out) as Float32Array).set(be.typedArrayFromHeap(part) as Float32Array, i * M * N);
        be.disposeData(part.dataId);
        be.disposeData(aTmp.dataId);
        be.disposeData(bTmp.dataId);
      }
      return out;
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Identity on WASM copies its input. The autodiff tape clones (Identity) every tensor it saves for the
// backward pass, and tf.customGrad's save() does too, so a training step copied every saved activation
// and every weight matrix once more: for 12 × 768 that was ~500 MB per layer and the step ran out of
// the 4 GB WASM heap. tfjs tensors are immutable (Variable.assign swaps the data id, it never writes
// in place), so sharing the data with a reference count is safe; WASM's own Reshape does the same.

let identityRegistered = false;

interface RefCountingBackend {
  incRef(dataId: object): void;
}

export function registerSharingIdentity(): void {
  if (identityRegistered) return;
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) throw new Error('wasm backend has no Identity kernel to wrap');
  identityRegistered = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      if (x.dtype === 'string') return original.kernelFunc(args) as tf.TensorInfo;
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
