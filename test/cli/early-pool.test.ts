import { describe, expect, it } from 'vitest';
import { configPoolHints, earlyPoolPlan } from '../../cli/early-pool.js';

describe("biglm prepare's early pool", () => {
  it('starts workers − 1 threads that load a built-in tokenizer, the main thread being the last worker', () => {
    expect(earlyPoolPlan({ workers: 4, tokenizer: 'cl100k_base' })).toEqual({ threads: 3, tokenizer: 'cl100k_base' });
    expect(earlyPoolPlan({ workers: 4, executor: 'local', tokenizer: 'gpt2' })).toEqual({ threads: 3, tokenizer: 'gpt2' });
  });

  it('starts no more threads than there are input files, unless a glob hides their number', () => {
    expect(earlyPoolPlan({ workers: 8, inputs: ['a.warc.gz', 'b.warc.gz', 'c.warc.gz'] })).toEqual({ threads: 2, tokenizer: undefined });
    expect(earlyPoolPlan({ workers: 8, inputs: ['a.warc.gz', 'crawl/*.warc.gz'] })).toEqual({ threads: 7, tokenizer: undefined });
    expect(earlyPoolPlan({ workers: 8, inputs: [] })?.threads).toBe(7);
  });

  it('starts none for one worker, one input file or a Slurm run', () => {
    expect(earlyPoolPlan({ workers: 1 })).toBeUndefined();
    expect(earlyPoolPlan({ workers: 8, inputs: ['one.jsonl'] })).toBeUndefined();
    expect(earlyPoolPlan({ workers: 8, executor: 'slurm' })).toBeUndefined();
  });

  it('loads no vocabulary path ahead: the run may be about to train it', () => {
    expect(earlyPoolPlan({ workers: 3, tokenizer: 'runs/x/tokenizer' })).toEqual({ threads: 2, tokenizer: undefined });
  });

  it("reads a config's plain inputs and tokenizer, and nothing it cannot be sure of", () => {
    expect(configPoolHints({ inputs: ['a.jsonl', 'b.jsonl'], tokenizer: { name: 'gpt2' } })).toEqual({ inputs: ['a.jsonl', 'b.jsonl'], tokenizer: 'gpt2' });
    // no tokenizer key: the run config's default encoding
    expect(configPoolHints({ inputs: ['a.jsonl'] })).toEqual({ inputs: ['a.jsonl'], tokenizer: 'cl100k_base' });
    expect(configPoolHints({ inputs: 'a.jsonl', tokenizer: { name: 'bpe', train: { vocabSize: 1024 } } })).toEqual({ inputs: undefined, tokenizer: undefined });
    expect(configPoolHints({ inputs: ['a.jsonl', 3], tokenizer: 'gpt2' })).toEqual({ inputs: undefined, tokenizer: undefined });
    expect(configPoolHints(null)).toEqual({ inputs: undefined, tokenizer: 'cl100k_base' });
  });
});
