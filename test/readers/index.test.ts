import { describe, expect, it } from 'vitest';
import { detectFormat, readerRegistry } from '../../pipeline/readers/index.js';

describe('the reader registry', () => {
  it('holds the six formats', () => {
    expect(readerRegistry.names()).toEqual(['arrow', 'json', 'jsonl', 'parquet', 'warc', 'wat']);
  });

  it('fails loudly on an unknown format, listing the known ones', () => {
    expect(() => readerRegistry.get('csv')).toThrow("unknown input format 'csv'; known: arrow, json, jsonl, parquet, warc, wat");
  });

  it.each([
    ['crawl/CC-MAIN-1.warc', 'warc'],
    ['CC-MAIN-1.warc.gz', 'warc'],
    ['x.wet', 'warc'],
    ['x.wet.gz', 'warc'],
    ['CC-MAIN-20201129214615-00404.warc.wet.gz', 'warc'],
    ['docs.jsonl', 'jsonl'],
    ['docs.JSONL.GZ', 'jsonl'],
    ['docs.jsonl.zst', 'jsonl'],
    ['dolma/000.json.gz', 'jsonl'],
    ['hf/train.json', 'json'],
    ['CC-MAIN-1.warc.wat.gz', 'wat'],
    ['CC-MAIN-1.warc.wat', 'wat'],
    ['train-00000-of-00001.parquet', 'parquet'],
    ['shard.arrow', 'arrow'],
    ['shard.feather', 'arrow'],
    ['shard.ipc', 'arrow'],
  ])('detects %s as %s', (p, format) => {
    expect(detectFormat(p)).toBe(format);
  });

  it('names the known endings when a file name fits none', () => {
    expect(() => detectFormat('/data/table.csv')).toThrow(/can not tell the input format of '\/data\/table\.csv'.*known endings: .*\.jsonl.*\.warc\.gz/);
  });
});
