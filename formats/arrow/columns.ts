// Building Arrow columns straight from typed arrays (no per-value builder calls): the shard writers'
// hot path, and shared by every writer of token shards (prepare, mix).

import {
  Field,
  List,
  Struct,
  Uint16,
  Uint32,
  Utf8,
  Schema,
  RecordBatch,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

const encoder = new TextEncoder();

export function utf8Data(values: readonly string[]): Data<Utf8> {
  const offsets = new Int32Array(values.length + 1);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const bytes = encoder.encode(values[i]);
    chunks.push(bytes);
    total += bytes.length;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

export type TokenWidth = 16 | 32;

export function tokenType(width: TokenWidth): Uint16 | Uint32 {
  return width === 16 ? new Uint16() : new Uint32();
}

/** List<Uint16|Uint32> from per-document token arrays. */
export function tokenListData(docs: readonly ArrayLike<number>[], width: TokenWidth): Data<List<Uint16 | Uint32>> {
  const offsets = new Int32Array(docs.length + 1);
  let total = 0;
  for (let i = 0; i < docs.length; i++) {
    total += docs[i].length;
    offsets[i + 1] = total;
  }
  const values = width === 16 ? new Uint16Array(total) : new Uint32Array(total);
  for (let i = 0; i < docs.length; i++) values.set(docs[i], offsets[i]);
  const child = makeData({ type: tokenType(width), length: total, nullCount: 0, data: values });
  return makeData({
    type: new List(new Field('item', tokenType(width), false)),
    length: docs.length,
    nullCount: 0,
    valueOffsets: offsets,
    child,
  });
}

export function uint32Data(values: Uint32Array): Data<Uint32> {
  return makeData({ type: new Uint32(), length: values.length, nullCount: 0, data: values });
}

/** A record batch from named column data, all of the same length. */
export function recordBatch(schema: Schema, columns: Data<DataType>[]): RecordBatch {
  const length = columns[0]?.length ?? 0;
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns });
  return new RecordBatch(schema, struct);
}

export function tokenShardSchema(width: TokenWidth, metadata: Map<string, string>): Schema {
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('source', new Utf8(), false),
      new Field('tokens', new List(new Field('item', tokenType(width), false)), false),
      new Field('n_tokens', new Uint32(), false),
    ],
    metadata,
  );
}
