// WebGPU for the trainer: Dawn for Node (the optional `webgpu` package) provides navigator.gpu, and
// @tensorflow/tfjs-backend-webgpu runs the model on it. On Linux Dawn reaches the GPU through Vulkan,
// so it needs the Vulkan loader (libvulkan.so.1) and the GPU vendor's Vulkan driver (an ICD file).
//
// The adapter is looked for in a child process first. Dawn writes its diagnostics ("Couldn't load
// Vulkan", "Found no drivers!") straight to file descriptor 2, which a Node process cannot silence
// for itself, and `--backend auto` must stay quiet on the many machines without a GPU; the child's
// stderr becomes the explanation when `--backend webgpu` was asked for and cannot be honoured.

import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software rasterizer (llvmpipe, SwiftShader): `auto` skips it, since WASM is faster. */
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

export type WebGpuProbe = { adapter: AdapterSummary } | { adapter: null; reason: string };

/** What WebGPU needs on Linux, for the error of an explicit `--backend webgpu` that found no adapter. */
export const WEBGPU_REQUIREMENTS =
  'WebGPU in Node runs on Dawn over Vulkan: it needs the Vulkan loader libvulkan.so.1 (Debian/Ubuntu package ' +
  'libvulkan1, or its unpacked .so on LD_LIBRARY_PATH) and the GPU driver\'s Vulkan ICD (for NVIDIA, nvidia_icd.json ' +
  'from the driver; in containers point VK_DRIVER_FILES at it, e.g. ' +
  'VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json). Without a GPU use --backend wasm (or auto).';

// Runs in the child: `node --input-type=module -e PROBE <url of webgpu's index.js>`. It exits
// explicitly because a live Dawn instance keeps the event loop running.
const PROBE = `
const { create } = await import(process.argv[1]);
const gpu = create([]);
const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
let adapter = null;
if (a) {
  const i = a.info ?? {};
  const limits = {};
  for (const k in a.limits) if (typeof a.limits[k] === 'number') limits[k] = a.limits[k];
  adapter = {
    vendor: String(i.vendor ?? ''), architecture: String(i.architecture ?? ''), device: String(i.device ?? ''),
    description: String(i.description ?? ''), isFallbackAdapter: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter),
    features: [...a.features].sort(), limits,
  };
}
process.stdout.write(JSON.stringify({ adapter }) + '\\n');
process.exit(0);
`;

/** The `webgpu` package's entry file, or null when the optional dependency is not installed. */
function webgpuEntry(): string | null {
  try {
    return createRequire(import.meta.url).resolve('webgpu');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  }
}

/** Dawn's stderr without its source-location lines ("    at operator() (.../BackendVk.cpp:368)"). */
function dawnMessages(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !/^\s+at /.test(l))
    .slice(0, 8)
    .join(' | ');
}

/** Where NVIDIA's container toolkit and distributions put the driver's EGL library. */
export const NVIDIA_LIB_DIRS = ['/usr/local/nvidia/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib'];

/**
 * An ICD file naming NVIDIA's EGL library, written to the temp folder, when the driver ships one in `dirs`.
 * Seen on an H200 machine (Ubuntu 24.04 image, driver 580): the stock nvidia_icd.json names
 * libGLX_nvidia.so.0, which returned no vkCreateInstance there ("Found no drivers!"), while the same driver
 * through libEGL_nvidia.so.0 served Vulkan. Null when no such library exists.
 */
export function nvidiaEglIcd(dirs: readonly string[] = NVIDIA_LIB_DIRS): string | null {
  const lib = dirs.map((d) => path.join(d, 'libEGL_nvidia.so.0')).find((f) => existsSync(f));
  if (!lib) return null;
  const file = path.join(os.tmpdir(), `biglm-nvidia-egl-icd-${process.getuid?.() ?? 0}.json`);
  writeFileSync(file, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: lib, api_version: '1.3.0' } }) + '\n');
  return file;
}

/**
 * Looks for a WebGPU adapter in a child process; never throws for a missing GPU. Without an adapter and
 * without a VK_DRIVER_FILES of the user's, it tries NVIDIA's EGL ICD once (`nvidiaEglIcd`), and when that
 * finds the GPU, sets VK_DRIVER_FILES for this process so that Dawn here finds it too.
 */
export async function probeWebGpu(timeoutMs = 30_000): Promise<WebGpuProbe> {
  const first = await probeOnce(timeoutMs);
  if (first.adapter || process.env.VK_DRIVER_FILES || process.platform !== 'linux') return first;
  const icd = nvidiaEglIcd();
  if (!icd) return first;
  const second = await probeOnce(timeoutMs, { ...process.env, VK_DRIVER_FILES: icd });
  if (!second.adapter) return first;
  process.env.VK_DRIVER_FILES = icd;
  return second;
}

async function probeOnce(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<WebGpuProbe> {
  const entry = webgpuEntry();
  if (!entry) return { adapter: null, reason: "the optional package 'webgpu' is not installed (npm install webgpu)" };
  const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error: Error | null }>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(entry).href], { timeout: timeoutMs, maxBuffer: 1 << 20, env }, (error, stdout, stderr) =>
      resolve({ stdout: String(stdout), stderr: String(stderr), error }),
    );
  });
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (line) {
    const { adapter } = JSON.parse(line) as { adapter: AdapterSummary | null };
    if (adapter) return { adapter };
  }
  const said = dawnMessages(stderr);
  if (error && (error as { killed?: boolean }).killed) return { adapter: null, reason: `the adapter probe did not finish within ${timeoutMs / 1000} s${said ? `; Dawn said: ${said}` : ''}` };
  if (!line) return { adapter: null, reason: `the adapter probe failed (${error?.message.split('\n')[0] ?? 'no output'})${said ? `; Dawn said: ${said}` : ''}` };
  return { adapter: null, reason: said ? `Dawn found no adapter: ${said}` : 'Dawn found no adapter' };
}

export function describeAdapter(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${a.description ? `: ${a.description}` : ''}${a.isFallbackAdapter ? ', software fallback' : ''}`;
}

interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

// Kept after the first import: removeBackend() drops the registration too, and the module (which
// registers only at import time, and only if navigator.gpu exists then) is not evaluated twice.
let backendFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | null = null;
let installed: 'navigator' | 'gpu' | null = null;

/**
 * Installs Dawn as navigator.gpu and activates tfjs's webgpu backend in this process. Call after
 * probeWebGpu() found an adapter. Returns tf.setBackend's verdict.
 */
export async function activateWebGpu(): Promise<boolean> {
  const entry = webgpuEntry();
  if (!entry) throw new Error("the optional package 'webgpu' is not installed");
  const dawn = (await import(pathToFileURL(entry).href)) as DawnModule;
  // GPUBufferUsage, GPUMapMode, ...: tfjs-backend-webgpu reads them as globals, as in a browser.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  const gpu = dawn.create([]);
  const g = globalThis as { navigator?: object };
  // Node 20 has no navigator; 21+ has one without gpu.
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
    installed = 'gpu';
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    installed = 'navigator';
  }
  if (!backendFactory) {
    await import('@tensorflow/tfjs-backend-webgpu');
    backendFactory = tf.findBackendFactory('webgpu');
    if (!backendFactory) throw new Error('@tensorflow/tfjs-backend-webgpu registered no backend (was it imported before navigator.gpu existed?)');
  }
  if (!tf.findBackendFactory('webgpu')) tf.registerBackend('webgpu', backendFactory, 3);
  return tf.setBackend('webgpu');
}

/**
 * Frees the GPU backend and drops navigator.gpu. Dawn's instance keeps Node's event loop alive for as
 * long as anything references it, so a command that used WebGPU calls this before it returns.
 */
export function releaseWebGpu(): void {
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (installed === 'navigator') delete g.navigator;
  else if (installed === 'gpu' && g.navigator) delete g.navigator.gpu;
  installed = null;
}
