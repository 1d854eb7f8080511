// `biglm prepare` end to end through the real CLI, real readers and the piscina pool.

import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { getEncoding } from '../../tokenizer/index.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');
const shared = path.resolve(root, '..', 'shared', 'data');

function biglm(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `biglm-${name}-`));
}

const paragraphs = [
  'The committee met on Tuesday to discuss the budget for the coming year and agreed on most points.',
  'Rainfall in the valley was twice the seasonal average, and the river rose above its banks twice.',
  'She packed the telescope carefully, because the lenses had been ground by hand decades earlier.',
  'Special tokens such as <|endoftext|> inside a document are ordinary text and must stay that way.',
  'Unicode survives the round trip: naïve café, Ελληνικά, 日本語のテキスト, emoji 🚀 and math ∑.',
];

function writeCorpus(dir: string): string[] {
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    const lines = [];
    for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ id: `f${f}-${i}`, text: `${paragraphs[(i + f) % 5]} (${f}.${i})` }));
    const file = path.join(dir, `part-${f}.jsonl${f % 2 ? '.gz' : ''}`);
    const body = lines.join('\n') + '\n';
    writeFileSync(file, f % 2 ? gzipSync(body) : body);
    files.push(file);
  }
  return files;
}

function manifestOf(run: string): Manifest {
  return JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as Manifest;
}

async function decodedTexts(run: string, tokenizer: string): Promise<string[]> {
  const enc = getEncoding(tokenizer);
  const out: string[] = [];
  for (const s of manifestOf(run).shards) {
    for await (const d of readShardDocs(path.join(run, s.path))) {
      expect(d.tokens[d.tokens.length - 1]).toBe(enc.eosId);
      out.push(enc.decode(d.tokens.subarray(0, -1)));
    }
  }
  enc.free();
  return out;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `make install` before the tests');
});

describe('biglm prepare', () => {
  const input = tmp('prep-in');
  const files = writeCorpus(input);

  it('round-trips: the shards decode to exactly the input texts, in order, with 1 or 2 workers giving identical bytes', async () => {
    const one = path.join(tmp('prep-w1'), 'run');
    const two = path.join(tmp('prep-w2'), 'run');
    const args = ['prepare', '--input', path.join(input, '*.jsonl*'), '--tokenizer', 'cl100k_base', '--text-output', 'jsonl', '--no-progress'];
    const r1 = biglm([...args, '--out', one, '--workers', '1']);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = biglm([...args, '--out', two, '--workers', '2']);
    expect(r2.code, r2.stderr).toBe(0);

    const expected = files.flatMap((_f, fi) => Array.from({ length: 40 }, (_, i) => `${paragraphs[(i + fi) % 5]} (${fi}.${i})`));
    expect(await decodedTexts(one, 'cl100k_base')).toEqual(expected);

    const m1 = manifestOf(one);
    expect(readFileSync(path.join(two, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(one, 'manifest.json'), 'utf8'));
    for (const s of m1.shards) expect(readFileSync(path.join(two, s.path)).equals(readFileSync(path.join(one, s.path)))).toBe(true);
    expect(m1.totals).toMatchObject({ read: 160, kept: 160, dropped: {} });
    expect(m1.tokenizer).toMatchObject({ name: 'cl100k_base', vocabSize: 100277, eosId: 100257, tokenWidth: 32 });

    const textLines = readdirSync(path.join(one, 'text')).flatMap((f) =>
      readFileSync(path.join(one, 'text', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; id: string }),
    );
    expect(textLines.map((d) => d.text)).toEqual(expected);
    expect(textLines[0].id).toBe('f0-0');
  });

  it('counts bad input under drop reasons, warns with file and line, and finishes (exit 3 only with --strict)', () => {
    const dir = tmp('prep-bad');
    const good = JSON.stringify({ text: paragraphs[0] });
    writeFileSync(
      path.join(dir, 'bad.jsonl'),
      Buffer.concat([
        Buffer.from(`${good}\n{"text": "broken\n`),
        Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // {"text":"\xff\xfe"}
        Buffer.from(`{"no_text": 1}\n${good}\n`),
      ]),
    );
    writeFileSync(path.join(dir, 'empty.jsonl'), '');
    writeFileSync(path.join(dir, 'huge.jsonl'), `{"text": "${'lorem ipsum '.repeat(50e6 / 12)}"}\n${good}\n`);
    const run = path.join(tmp('prep-bad-out'), 'run');
    const r = biglm(['prepare', '--input', dir, '--out', run, '--tokenizer', 'gpt2', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bad\.jsonl:2: invalid JSON/);
    expect(r.stderr).toMatch(/bad\.jsonl:3: not valid UTF-8/);
    expect(r.stderr).toMatch(/huge\.jsonl:1: 50000004 bytes is over maxDocumentBytes/);
    const m = manifestOf(run);
    expect(m.totals.read).toBe(7);
    expect(m.totals.kept).toBe(3);
    expect(m.totals.dropped).toEqual({
      'read:document_too_large': 1,
      'read:invalid_json': 1,
      'read:invalid_utf8': 1,
      'read:missing_text': 1,
    });
    const strict = biglm(['prepare', '--input', dir, '--out', run, '--force', '--tokenizer', 'gpt2', '--no-progress', '--strict']);
    expect(strict.code).toBe(3);
    expect(existsSync(path.join(run, 'manifest.json'))).toBe(true);
  });

  it("runs a config's stages on other inputs given with --input, and writes the text output as Parquet", async () => {
    const dir = tmp('prep-override');
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ inputs: ['nothing-here/*.jsonl'], stages: [{ type: 'length', minChars: 60 }], tokenizer: { name: 'gpt2' } }));
    const run = path.join(dir, 'run');
    const r = biglm(['prepare', path.join(dir, 'c.json'), '--input', files[0], '--out', run, '--text-output', 'parquet', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(run);
    expect(m.totals.read).toBe(40);
    expect(m.totals.kept + (m.totals.dropped['length:too_short'] ?? 0)).toBe(40);
    const { ParquetReader } = (await import('parquetjs-lite')).default as unknown as {
      ParquetReader: { openFile(p: string): Promise<{ getCursor(): { next(): Promise<Record<string, unknown> | null> }; close(): Promise<void> }> };
    };
    const reader = await ParquetReader.openFile(path.join(run, 'text', 'part-00000.parquet'));
    const cursor = reader.getCursor();
    const rows: Record<string, unknown>[] = [];
    for (let row = await cursor.next(); row; row = await cursor.next()) rows.push(row);
    await reader.close();
    expect(rows.length).toBe(m.totals.kept);
    expect(rows[0]).toMatchObject({ id: 'f0-0', source: path.relative(dir, files[0]) });
    expect(await decodedTexts(run, 'gpt2')).toEqual(rows.map((row) => row.text));
  });

  it('exits 2 naming a missing input or a misspelt config key', () => {
    const missing = biglm(['prepare', '--input', '/nonexistent/x.jsonl', '--out', tmp('prep-missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no file matches "\/nonexistent\/x\.jsonl"/);
    const dir = tmp('prep-cfg');
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ inputs: ['x.jsonl'], tokeniser: { name: 'gpt2' } }));
    const bad = biglm(['prepare', path.join(dir, 'c.json'), '--out', path.join(dir, 'run')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tokeniser: unknown key \(did you mean 'tokenizer'\?\)/);
  });

  it('resumes after the process is killed mid-run and ends with the same manifest as an uninterrupted run', async () => {
    const many = tmp('prep-kill-in');
    for (let f = 0; f < 8; f++) {
      writeFileSync(path.join(many, `p${f}.jsonl`), Array.from({ length: 400 }, (_, i) => JSON.stringify({ text: `${paragraphs[i % 5]} ${f}/${i}` })).join('\n'));
    }
    const reference = path.join(tmp('prep-ref'), 'run');
    expect(biglm(['prepare', '--input', many, '--out', reference, '--workers', '1', '--tokenizer', 'gpt2', '--no-progress']).code).toBe(0);

    const run = path.join(tmp('prep-kill'), 'run');
    const args = [cli, 'prepare', '--input', many, '--out', run, '--workers', '1', '--tokenizer', 'gpt2', '--no-progress'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const markers = path.join(run, 'markers', 'seg0');
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const done = existsSync(markers) ? readdirSync(markers).length : 0;
        if (done >= 2) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - started > 60_000 || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no task finished before the run ended (exit ${child.exitCode})`));
        }
      }, 5);
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(path.join(run, 'manifest.json'))).toBe(false);
    const resumed = biglm(args.slice(1));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming/);
    expect(resumed.stderr).toMatch(/already done/);
    expect(readFileSync(path.join(run, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(reference, 'manifest.json'), 'utf8'));
  });
});

describe.skipIf(!existsSync(shared))('biglm prepare on real Common Crawl files (../shared/data)', () => {
  it('recovers all 318 conversion records of the CRLF-damaged WET file and warns once', () => {
    const run = path.join(tmp('prep-wet'), 'run');
    const r = biglm(['prepare', '--input', path.join(shared, 'wet', 'test.warc.wet.gz'), '--out', run, '--tokenizer', 'gpt2', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/recovered/g)?.length).toBe(1);
    const m = manifestOf(run);
    expect(m.totals.read).toBe(318);
    expect(m.totals.kept + Object.values(m.totals.dropped).reduce((a, b) => a + b, 0)).toBe(318);
  });

  it('finishes on the deliberately malformed files with every record accounted for', () => {
    const run = path.join(tmp('prep-malformed'), 'run');
    const inputs = [path.join(shared, 'warc', 'malformed'), path.join(shared, 'wet', 'malformed')];
    const r = biglm(['prepare', '--input', inputs[0], '--input', inputs[1], '--out', run, '--tokenizer', 'gpt2', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/clipped\.warc\.gz:\d+: response record: truncated gzip at compressed byte 18184/);
    const m = manifestOf(run);
    const dropped = Object.values(m.totals.dropped).reduce((a, b) => a + b, 0);
    expect(m.totals.read).toBe(m.totals.kept + dropped);
    expect(dropped).toBeGreaterThan(0);
    expect(m.totals.kept).toBeGreaterThan(20);
  });
});
