import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../model/safetensors.js';

describe('safetensors', () => {
  const tensors = [
    { name: 'embed.weight', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -0]) },
    { name: 'ids', shape: [3], data: Int32Array.from([7, -1, 2 ** 30]) },
  ];

  it('writes an 8-byte little-endian header length, a padded JSON header, then the raw data', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['embed.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.ids).toEqual({ dtype: 'I32', shape: [3], data_offsets: [24, 36] });
    expect(bytes.length).toBe(8 + n + 36);
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 8, true)).toBe(3.5);
  });

  it('reads back exactly what it wrote, also from a Buffer that is a view into a larger one', () => {
    const bytes = encodeSafetensors(tensors);
    const big = Buffer.alloc(bytes.length + 13);
    Buffer.from(bytes).copy(big, 5);
    const { tensors: back } = decodeSafetensors(big.subarray(5, 5 + bytes.length));
    expect(Array.from(back.get('embed.weight')!.data)).toEqual(Array.from(tensors[0].data));
    expect(Object.is(back.get('embed.weight')!.data[5], -0)).toBe(true);
    expect(back.get('ids')!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(back.get('ids')!.data)).toEqual([7, -1, 2 ** 30]);
  });

  it('rejects duplicate names, wrong sizes and truncated files', () => {
    expect(() => encodeSafetensors([tensors[1], tensors[1]])).toThrow(/duplicate/);
    expect(() => encodeSafetensors([{ name: 'x', shape: [4], data: new Float32Array(3) }])).toThrow(/shape/);
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'cut.safetensors')).toThrow(/cut.safetensors: tensor 'ids' lies outside/);
  });
});
