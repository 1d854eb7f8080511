// The safetensors file format, written and read by hand (https://github.com/huggingface/safetensors):
// 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
// padded with spaces to 8 bytes, then the raw little-endian tensor bytes.

import { endianness } from 'node:os';

export type SafeDtype = 'F32' | 'I32';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

function dtypeOf(data: Float32Array | Int32Array): SafeDtype {
  return data instanceof Float32Array ? 'F32' : 'I32';
}

function assertLittleEndian(): void {
  // Typed arrays use the host byte order; every machine Node supports in practice is little-endian.
  if (endianness() !== 'LE') throw new Error('safetensors: big-endian hosts are not supported');
}

export function encodeSafetensors(tensors: NamedArray[], metadata: Record<string, string> = {}): Uint8Array {
  assertLittleEndian();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new Error(`safetensors: duplicate tensor name '${t.name}'`);
    seen.add(t.name);
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) throw new Error(`safetensors: '${t.name}' has ${t.data.length} values but shape [${t.shape}]`);
    header[t.name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(buf: Uint8Array, file = 'safetensors'): SafetensorsFile {
  assertLittleEndian();
  if (buf.length < 8) throw new Error(`${file}: too short for a safetensors header`);
  const n = Number(new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > buf.length) throw new Error(`${file}: header length ${n} exceeds the file size ${buf.length}`);
  const header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, n).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + n;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = data_offsets;
    if (dataStart + end > buf.length || begin > end) throw new Error(`${file}: tensor '${name}' lies outside the file`);
    // Copy so the arrays are aligned and independent of the file buffer (Buffer#slice would not copy).
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    let data: Float32Array | Int32Array;
    if (dtype === 'F32') data = new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
    else if (dtype === 'I32') data = new Int32Array(bytes.buffer, 0, bytes.byteLength / 4);
    else throw new Error(`${file}: tensor '${name}' has dtype ${dtype}; only F32 and I32 are supported`);
    const expected = shape.reduce((a, b) => a * b, 1);
    if (expected !== data.length) throw new Error(`${file}: tensor '${name}' has ${data.length} values but shape [${shape}]`);
    tensors.set(name, { name, shape, data });
  }
  return { tensors, metadata };
}
