// The small part of parquetjs-lite (plain JavaScript, no bundled types) that bench/parquet.ts measures against.

declare module 'parquetjs-lite' {
  export interface ParquetField {
    name: string;
    primitiveType?: string;
    originalType?: string;
    path: string[];
    repetitionType: string;
    isNested?: boolean;
  }
  export interface ParquetSchema {
    fields: Record<string, ParquetField>;
    fieldList: ParquetField[];
  }
  export interface RowGroupMeta {
    num_rows: number | { toNumber(): number };
  }
  export interface FileMetaData {
    version: number;
    created_by?: string;
    num_rows: unknown;
    row_groups: RowGroupMeta[];
  }
  export class ParquetEnvelopeReader {
    static openFile(path: string): Promise<ParquetEnvelopeReader>;
    readHeader(): Promise<void>;
    readFooter(): Promise<FileMetaData>;
    readRowGroup(schema: ParquetSchema, rowGroup: RowGroupMeta, columnList: string[][]): Promise<unknown>;
    close(): Promise<void>;
  }
  export class ParquetReader {
    constructor(metadata: FileMetaData, envelopeReader: ParquetEnvelopeReader, opts?: object);
    getSchema(): ParquetSchema;
    getRowCount(): number;
    close(): Promise<void>;
  }
  export const ParquetShredder: {
    materializeRecords(schema: ParquetSchema, buffer: unknown): Record<string, unknown>[];
  };
  const parquet: {
    ParquetEnvelopeReader: typeof ParquetEnvelopeReader;
    ParquetReader: typeof ParquetReader;
    ParquetShredder: typeof ParquetShredder;
  };
  export default parquet;
}

declare module 'parquetjs-lite/lib/codec/index.js' {
  const codecs: Record<string, unknown>;
  export default codecs;
}
