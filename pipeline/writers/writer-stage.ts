// A writer as an ordinary stage: it writes each document and passes it on, commits its file(s) when its input
// ends, and removes what it had not committed when the task fails or stops early. What it committed goes to
// the task's `WrittenFiles`: the marker lists the files (length, sha256), the task's stats file the shards.

import type { Doc } from '../core/doc.js';
import type { Stage } from '../core/stage.js';
import type { ShardInfo } from '../../formats/token-shards/write.js';
import type { FileRecord } from '../runner/file-record.js';

export interface WrittenFiles {
  files: FileRecord[];
  shards: ShardInfo[];
}

export interface DocSink {
  write(doc: Doc): Promise<void>;
  abort(): Promise<void>;
}

/** `open` the sink at the first pull, write every document through it, then `commit` it (close and record). */
export function writerStage<S extends DocSink>(open: () => Promise<S>, commit: (sink: S) => Promise<void>): Stage {
  return async function* (docs) {
    const sink = await open();
    let committed = false;
    try {
      for await (const doc of docs) {
        await sink.write(doc);
        yield doc;
      }
      await commit(sink);
      committed = true;
    } finally {
      if (!committed) await sink.abort();
    }
  };
}
