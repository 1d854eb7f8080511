// `biglm tokenizer export --format hf` read by Hugging Face `tokenizers` (Tokenizer.from_file, in a venv) and
// the same ids as biglm's encode() on real text — the Brown corpus, and Common Crawl pages in
// 31 languages when ../shared is there — for a vocabulary trained here and for tiktoken built-ins.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { memoryLogger } from '../../../lib/log.js';
import { brownTexts } from '../../../pipeline/mix/text-run.js';
import { getEncoding } from '../../../tokenizer/index.js';
import { bytesToUnicode } from '../../../tokenizer/export/hf-tokenizer.js';
import { trainTokenizer } from '../../../tokenizer/train/index.js';
import { pythonVenv, runPython } from '../../helpers/python-venv.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');
const wet = path.resolve(root, '..', 'shared', 'data', 'wet', 'restored', 'CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz');

const py = pythonVenv(['tokenizers']);
if (py.reason) console.warn(`test/tokenizer/export/hf-tokenizer (tokenizers): skipped — ${py.reason}`);
if (!existsSync(wet)) console.warn(`test/tokenizer/export/hf-tokenizer: the multilingual Common Crawl sample is skipped — ${wet} is absent`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'biglm-hf-tokenizer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The conversion bodies of a WET file: real pages in many scripts. */
function wetTexts(file: string): string[] {
  const body = gunzipSync(readFileSync(file)).toString('utf8');
  return body
    .split(/WARC\/1\.0\r\n/)
    .filter((r) => r.includes('WARC-Type: conversion'))
    .map((r) => r.slice(r.indexOf('\r\n\r\n') + 4).trim());
}

const ENCODE = `
import sys, json
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
texts = json.load(open(sys.argv[2]))
ids = [e.ids for e in tok.encode_batch(texts, add_special_tokens=True)]
specials = {t: tok.token_to_id(t) for t in json.loads(sys.argv[3])}
print(json.dumps({"ids": ids, "decoded": [tok.decode(i, skip_special_tokens=False) for i in ids], "specials": specials, "size": tok.get_vocab_size()}))
`;

let texts: string[] = [];

beforeAll(async () => {
  const brown = (await brownTexts(/^c[a-r]/, 120)).map((t) => t.text);
  const edge = ['', ' ', '  leading and trailing  ', 'tabs\tand\r\nCRLF\n\n\nlines', "it's they'RE we'll I'd", '1234567 3.14159 1e10', 'x'.repeat(3000), '🚀 emoji 👩‍👩‍👧 ZWJ', 'naïve café Ελληνικά русский 日本語 中文 한국어 ไทย'];
  texts = [...brown, ...edge, ...(existsSync(wet) ? wetTexts(wet) : [])];
  writeFileSync(path.join(tmp, 'texts.json'), JSON.stringify(texts));
});

function compare(nameOrPath: string, out: string) {
  const r = spawnSync(process.execPath, [cli, 'tokenizer', 'export', nameOrPath, '--format', 'hf', '--out', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const enc = getEncoding(nameOrPath);
  const specials = ['<|endoftext|>', '[MASK]', '[BOS]', '[PAD]'];
  const hf = JSON.parse(runPython(py.venv!, ENCODE, [path.join(out, 'tokenizer.json'), path.join(tmp, 'texts.json'), JSON.stringify(specials)])) as {
    ids: number[][];
    decoded: string[];
    specials: Record<string, number>;
    size: number;
  };
  let tokens = 0;
  const differing: number[] = [];
  texts.forEach((text, i) => {
    const ours = Array.from(enc.encode(text));
    tokens += ours.length;
    if (JSON.stringify(ours) !== JSON.stringify(hf.ids[i])) differing.push(i);
  });
  // The first differing text in full, if any, so a failure names it.
  if (differing.length > 0) expect(hf.ids[differing[0]]).toEqual(Array.from(enc.encode(texts[differing[0]])));
  expect(differing).toEqual([]);
  texts.forEach((text, i) => expect(hf.decoded[i]).toBe(text));
  expect(hf.specials).toEqual({ '<|endoftext|>': enc.eosId, '[MASK]': enc.specials.mask, '[BOS]': enc.specials.bos, '[PAD]': enc.specials.pad });
  console.log(`${enc.name}: ${texts.length} texts, ${tokens.toLocaleString('en-US')} tokens, identical ids; HF vocabulary size ${hf.size}`);
  enc.free();
}

describe('the byte-to-character table', () => {
  it("is GPT-2's: printable Latin-1 bytes stand for themselves, the rest from U+0100 on", () => {
    const t = bytesToUnicode();
    expect(new Set(t).size).toBe(256);
    expect([t[0x21], t[0x7e], t[0xa1], t[0xff]]).toEqual(['!', '~', '¡', 'ÿ']);
    expect([t[0x20], t[0x0a], t[0x00], t[0xad]]).toEqual(['Ġ', 'Ċ', 'Ā', 'Ń']);
  });
});

describe.skipIf(!py.venv)("Hugging Face tokenizers on biglm's tokenizer.json", () => {
  it('gives the ids of a vocabulary trained on the Brown corpus', async () => {
    const corpus = path.join(tmp, 'corpus.jsonl');
    writeFileSync(corpus, texts.slice(0, 80).map((text) => JSON.stringify({ text })).join('\n'));
    await trainTokenizer({ inputs: [corpus], out: path.join(tmp, 'vocab'), vocabSize: 2048 }, memoryLogger());
    compare(path.join(tmp, 'vocab'), path.join(tmp, 'hf-trained'));
  });

  it('refuses to write into the trained vocabulary folder, whose tokenizer.json is biglm\'s own', () => {
    const r = spawnSync(process.execPath, [cli, 'tokenizer', 'export', path.join(tmp, 'vocab'), '--format', 'hf', '--out', path.join(tmp, 'vocab')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds a biglm vocabulary/);
  });

  it.each(['gpt2', 'cl100k_base', 'o200k_base'])('gives the ids of tiktoken built-in %s', (name) => {
    compare(name, path.join(tmp, `hf-${name}`));
  });
});
