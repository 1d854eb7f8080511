// A table row (Arrow, Parquet) as a Doc: the id column when the row has one, else `<file>#<row>`.

import type { Doc } from '../core/doc.js';
import type { InputFile } from '../core/reader.js';

export function tableRowDoc(file: InputFile, index: number, text: string, id: unknown, meta: Record<string, unknown>): Doc {
  return {
    id: id === null || id === undefined ? `${file.path}#${index}` : String(id),
    text,
    source: file.path,
    fileIndex: file.fileIndex,
    position: index,
    meta,
  };
}
