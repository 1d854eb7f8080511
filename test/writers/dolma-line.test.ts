// The `--text-output jsonl` line: dolma's document format and datatrove's, checked on documents shaped the way
// the readers give them, then end to end on real dolma and Common Crawl files read back by dolma's msgspec
// document spec and datatrove's JsonlReader adapter (both in Python; datatrove itself is not installable here).

import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { dolmaLine, dolmaTimestamp } from '../../pipeline/writers/dolma-line.js';
import type { Doc } from '../../pipeline/core/doc.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');
const shared = path.resolve(root, '..', 'shared', 'data');
const dolmaFile = path.join(shared, 'jsonl', 'cc_en_head-0091.jsonl.gz');
const warcFile = path.join(shared, 'warc', 'cc.warc.gz');
const haveShared = existsSync(dolmaFile) && existsSync(warcFile);
if (!haveShared) console.warn(`test/writers/dolma-line (end to end): skipped — ${dolmaFile} or ${warcFile} is absent`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'biglm-dolma-line-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function doc(meta: Record<string, unknown>, extra: Partial<Doc> = {}): Doc {
  return { id: 'd1', text: 'Some text.', source: 'crawl/a.warc.gz', fileIndex: 3, position: 7, meta, ...extra };
}

describe('dolmaLine', () => {
  it('writes a WARC page with its crawl date as dolma\'s `created`, the rest under `metadata`, and no `added`', () => {
    const line = dolmaLine(doc({ url: 'https://example.org/', date: '2019-12-10T06:13:22Z', record_id: 'urn:uuid:1' }));
    expect(JSON.stringify(line)).toBe(
      JSON.stringify({
        id: 'd1',
        text: 'Some text.',
        source: 'crawl/a.warc.gz',
        created: '2019-12-10T06:13:22.000Z',
        metadata: { url: 'https://example.org/', date: '2019-12-10T06:13:22Z', record_id: 'urn:uuid:1', file_path: 'crawl/a.warc.gz', position: 7 },
      }),
    );
    expect(line).not.toHaveProperty('meta');
    expect(line).not.toHaveProperty('added');
  });

  it('keeps a dolma document\'s id, source, added, created and version as it had them, and its metadata unnested', () => {
    const meta = {
      source: 'common-crawl',
      added: '2023-04-07T15:24:38.743534+00:00',
      created: '2020-03-29T09:04:10Z',
      version: 'v0',
      metadata: { url: 'http://x.org/', language_score: 0.95, line_ids: [1, 2] },
      url: 'http://x.org/', // lifted by the JSONL reader
      language: 'en', // set by a stage
    };
    const line = dolmaLine(doc(meta, { id: 'http://x.org/', source: 'dolma/cc_en_head-0091.jsonl.gz' }));
    expect(line).toEqual({
      id: 'http://x.org/',
      text: 'Some text.',
      source: 'common-crawl',
      added: '2023-04-07T15:24:38.743534+00:00',
      created: '2020-03-29T09:04:10Z',
      version: 'v0',
      metadata: { url: 'http://x.org/', language_score: 0.95, line_ids: [1, 2], language: 'en', file_path: 'dolma/cc_en_head-0091.jsonl.gz', position: 7 },
    });
    expect(Object.keys(line)).toEqual(['id', 'text', 'source', 'added', 'created', 'version', 'metadata']);
  });

  it('reads its own output back to the same line (file_path and position stay those of the first read)', () => {
    const first = dolmaLine(doc({ url: 'https://example.org/', date: '2019-12-10T06:13:22Z' }));
    // What the JSONL reader makes of that line: id and text out, every other key in meta.
    const { id, text, ...rest } = JSON.parse(JSON.stringify(first)) as Record<string, unknown>;
    const again = dolmaLine(doc(rest, { id: id as string, text: text as string, source: 'text/part-00000.jsonl', position: 0 }));
    expect(again).toEqual(first);
  });

  it('keeps a scalar `metadata` value and non-string top-level values under metadata, never as null', () => {
    const line = dolmaLine(doc({ metadata: 'free text', source: null, created: { year: 2020 } }));
    expect(line.source).toBe('crawl/a.warc.gz');
    expect(line).not.toHaveProperty('created');
    expect(line.metadata).toMatchObject({ metadata: 'free text', source: null, created: { year: 2020 } });
  });

  it("formats dates the way dolma's WARC pipeline does, and leaves what does not parse as written", () => {
    expect(dolmaTimestamp('2024-05-17T23:31:22Z')).toBe('2024-05-17T23:31:22.000Z');
    expect(dolmaTimestamp('2024-05-17T23:31:22+02:00')).toBe('2024-05-17T21:31:22.000Z');
    expect(dolmaTimestamp('Tue, 10 Dec 2019 06:13:22 GMT')).toBe('Tue, 10 Dec 2019 06:13:22 GMT');
    expect(dolmaTimestamp('sometime in 2019')).toBe('sometime in 2019');
  });
});

// dolma's own document spec (python/dolma/core/data_types.py: InputSpec, InputSpecWithMetadata) decoded with
// msgspec, which is what dolma's taggers and mixer do with each line; and datatrove's JsonlReader as its source
// reads a line (readers/base.py `_default_adapter` and `get_document_from_dict`; data.py `Document`).
const READERS = `
import sys, json, msgspec
from typing import Any, Dict, Optional
from dataclasses import dataclass, field

class InputSpec(msgspec.Struct):
    id: str
    text: str
    source: str = ""
    created: str = ""
    added: str = ""
    version: Optional[str] = None

class InputSpecWithMetadata(InputSpec):
    metadata: Optional[Dict[str, Any]] = None

@dataclass
class Document:
    text: str
    id: str
    media: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

def datatrove_adapter(data, path, id_in_file, text_key="text", id_key="id"):
    metadata = data.pop("metadata", {})
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError:
            pass
    if not isinstance(metadata, dict):
        metadata = {"metadata": metadata}
    return {"text": data.pop(text_key, ""), "id": data.pop(id_key, f"{path}/{id_in_file}"), "media": data.pop("media", []), "metadata": metadata | data}

decoder = msgspec.json.Decoder(InputSpecWithMetadata)
out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        for li, raw in enumerate(f):
            spec = decoder.decode(raw)
            doc = Document(**datatrove_adapter(json.loads(raw), path, li))
            doc.metadata.setdefault("file_path", path)
            out.append({"dolma": {k: getattr(spec, k) for k in ("id", "text", "source", "created", "added", "version", "metadata")}, "datatrove": {"id": doc.id, "text": doc.text, "metadata": doc.metadata}})
print(json.dumps(out))
`;

describe.skipIf(!haveShared)('biglm prepare --text-output jsonl on real dolma and Common Crawl files', () => {
  const run = path.join(tmp, 'run');
  const lines = (): Record<string, unknown>[] => {
    const dir = path.join(run, 'text');
    return readdirSync(dir)
      .sort()
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('writes dolma documents whose id, source, added and created are the input\'s own', () => {
    const config = path.join(tmp, 'config.json');
    writeFileSync(config, JSON.stringify({ inputs: [dolmaFile, warcFile], stages: [], tokenizer: { name: 'gpt2' }, output: { textOutput: 'jsonl' } }));
    const r = spawnSync(process.execPath, [cli, 'prepare', config, '--out', run, '--no-progress', '--workers', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const input = gunzipSync(readFileSync(dolmaFile)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const out = lines();
    expect(out.length).toBe(input.length + 1);
    for (const [i, want] of input.entries()) {
      const got = out[i];
      expect(Object.keys(got)).toEqual(['id', 'text', 'source', 'added', 'created', 'metadata']);
      expect([got.id, got.text, got.source, got.added, got.created]).toEqual([want.id, want.text, want.source, want.added, want.created]);
      expect(got.metadata).toMatchObject(want.metadata as object);
      expect(got.metadata).toMatchObject({ file_path: path.relative(tmp, dolmaFile), position: i });
    }
    const page = out[input.length];
    expect(page).toMatchObject({ source: path.relative(tmp, warcFile), created: '2019-12-10T10:00:01.000Z', metadata: { url: 'http://commoncrawl.org/' } });
    expect(page).not.toHaveProperty('added');
    expect(page).not.toHaveProperty('meta');
  });

  const py = pythonVenv(['msgspec']);
  if (py.reason) console.warn(`test/writers/dolma-line (dolma's msgspec spec, datatrove's adapter): skipped — ${py.reason}`);

  it.skipIf(!py.venv)("reads back with dolma's document spec and datatrove's JsonlReader adapter", () => {
    const files = readdirSync(path.join(run, 'text')).sort().map((f) => path.join(run, 'text', f));
    const read = JSON.parse(runPython(py.venv!, READERS, files)) as { dolma: Record<string, unknown>; datatrove: { id: string; text: string; metadata: Record<string, unknown> } }[];
    const ours = lines();
    expect(read.length).toBe(ours.length);
    for (const [i, line] of ours.entries()) {
      const { dolma, datatrove } = read[i];
      expect(dolma).toEqual({ added: '', created: '', version: null, ...line });
      expect(datatrove.id).toBe(line.id);
      expect(datatrove.text).toBe(line.text);
      // datatrove's reader moves dolma's top-level keys into metadata, next to ours.
      const { id: _id, text: _text, metadata, ...top } = line;
      expect(datatrove.metadata).toEqual({ ...(metadata as object), ...top });
    }
  });
});
