import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { defineFilter, defineTransform, drop, commonOptions } from '../../pipeline/filters/define-filter.js';
import { readDropExamples } from '../../pipeline/filters/drop-examples.js';
import { runStage, doc } from './run-stage.js';

// A real (if tiny) filter and transform built with the wrapper, to test the wrapper itself.
const evenLength = defineFilter({
  type: 'even_length',
  description: 'keeps texts of even length',
  schema: z.object({ ...commonOptions }).strict(),
  build: () => (d) => (d.text.length % 2 === 0 ? true : d.text.startsWith('x') ? 'odd_x' : 'odd'),
});
const shout = defineTransform({
  type: 'shout',
  description: 'uppercases, drops texts with digits',
  schema: z.object({ ...commonOptions }).strict(),
  build: () => (d) => (/\d/.test(d.text) ? drop('digits') : d.text.toUpperCase()),
});

const docs = ['ab', 'abc', 'xyz', 'x', 'abcd', 'hello', 'hey', 'yo!'].map((t, i) => doc(t, { url: `https://e.example/${i}` }, `d${i}`));

describe('the filter wrapper', () => {
  it('counts in, out and dropped by reason, so that in = out + dropped', async () => {
    const r = await runStage(evenLength, {}, docs);
    const s = r.stats.stats.stages.even_length;
    expect(r.kept.map((d) => d.text)).toEqual(['ab', 'abcd']);
    expect(s.in).toBe(8);
    expect(s.dropped).toEqual({ 'even_length:odd': 4, 'even_length:odd_x': 2 });
    expect(s.out + Object.values(s.dropped).reduce((a, b) => a + b, 0)).toBe(s.in);
    expect(s.ms).toBeGreaterThanOrEqual(0);
  });

  it('keeps the first three examples per reason and writes no excluded file unless asked', async () => {
    const r = await runStage(evenLength, {}, docs);
    const dir = path.join(r.runDir, 'excluded', 'even_length');
    expect(readdirSync(dir)).toEqual(['0.examples.json']);
    const ex = JSON.parse(readFileSync(path.join(dir, '0.examples.json'), 'utf8'));
    expect(ex.examples['even_length:odd'].map((e: { id: string }) => e.id)).toEqual(['d1', 'd5', 'd6']);
    expect(ex.examples['even_length:odd_x'][0]).toEqual({ id: 'd2', reason: 'even_length:odd_x', text: 'xyz', url: 'https://e.example/2' });
  });

  it('writes every dropped document with its reason when writeExcluded is on, atomically', async () => {
    const r = await runStage(evenLength, { writeExcluded: true }, docs);
    const dir = path.join(r.runDir, 'excluded', 'even_length');
    expect(readdirSync(dir).sort()).toEqual(['0.examples.json', '0.jsonl']); // no temporary file left
    const lines = readFileSync(path.join(dir, '0.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.reason])).toEqual([
      ['d1', 'even_length:odd'], ['d2', 'even_length:odd_x'], ['d3', 'even_length:odd_x'],
      ['d5', 'even_length:odd'], ['d6', 'even_length:odd'], ['d7', 'even_length:odd'],
    ]);
  });

  it('applies transforms to kept documents and drops with a reason', async () => {
    const r = await runStage(shout, {}, [doc('quiet please'), doc('room 101')]);
    expect(r.kept.map((d) => d.text)).toEqual(['QUIET PLEASE']);
    expect(r.dropped).toEqual({ 'shout:digits': 1 });
  });

  it('drops (and warns about) a document on which the predicate throws, and goes on', async () => {
    const fragile = defineFilter({
      type: 'fragile',
      description: 'throws on one document',
      schema: z.object({ ...commonOptions }).strict(),
      build: () => (d) => {
        if (d.text === 'boom') throw new Error('unexpected input');
        return true;
      },
    });
    const r = await runStage(fragile, {}, [doc('fine'), { ...doc('boom'), id: 'bad', position: 7 }, doc('also fine')]);
    expect(r.kept).toHaveLength(2);
    expect(r.dropped).toEqual({ 'fragile:error': 1 });
    expect(r.log).toEqual(['warning: test.jsonl:7: fragile failed on document bad: unexpected input']);
  });

  it('reads drops by stage and reason with examples back for inspect, merging ranks', async () => {
    const first = await runStage(evenLength, {}, docs);
    await runStage(shout, {}, [doc('room 101', {}, 's1')], first.runDir);
    const drops = await readDropExamples(first.runDir);
    expect(Object.keys(drops)).toEqual(['even_length', 'shout']);
    expect(drops.even_length.in).toBe(8);
    expect(drops.even_length.reasons['even_length:odd'].count).toBe(4);
    expect(drops.even_length.reasons['even_length:odd'].examples).toHaveLength(3);
    expect(drops.shout.reasons['shout:digits'].examples[0].text).toBe('room 101');
    expect(await readDropExamples(path.join(first.runDir, 'nowhere'))).toEqual({});
    expect(existsSync(path.join(first.runDir, 'excluded', 'shout', '0.examples.json'))).toBe(true);
  });
});
