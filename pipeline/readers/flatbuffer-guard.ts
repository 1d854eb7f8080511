// apache-arrow decodes IPC metadata (the footer, schema and batch headers) with the flatbuffers package,
// which trusts every length it reads: one flipped byte can turn a field count into billions, and the schema
// decoder then allocates until the process dies (heap out of memory: no exception a reader can catch).
// pyarrow verifies the flatbuffer first. We check the one length that makes loops run away: a vector can not
// have more elements than there are bytes after it, so a longer one is damage and throws, which the Arrow
// reader turns into a counted read:corrupt_arrow.

import { ByteBuffer } from 'flatbuffers';

const guarded = Symbol.for('biglm.flatbufferVectorGuard');
const proto = ByteBuffer.prototype as unknown as { __vector_len(offset: number): number; [guarded]?: true };

if (!proto[guarded]) {
  const vectorLength = proto.__vector_len;
  proto.__vector_len = function (this: ByteBuffer, offset: number): number {
    const n = vectorLength.call(this, offset);
    if (!(n >= 0 && n <= this.capacity() - offset)) throw new RangeError(`damaged Arrow metadata: a vector of ${n} elements at byte ${offset} of a ${this.capacity()}-byte message`);
    return n;
  };
  proto[guarded] = true;
}
