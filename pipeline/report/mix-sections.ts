// The report of a mixed run (`biglm mix`): realized against requested shares per source, epochs and
// documents, tokens per shard, and the lineage back to the source runs — all from the manifest's `mix`.

import { readMixManifest } from './run-files.js';
import { groupedBarChart } from './charts.js';
import { cards, escapeHtml, int, note, num, pct, table, type Section } from './html.js';
import { shardsBlock } from './prepare-data.js';

export async function mixSections(runDir: string): Promise<Section[]> {
  const m = await readMixManifest(runDir);
  const mix = m.mix;
  const summary: Section = {
    id: 'summary',
    title: 'Summary',
    html:
      cards([
        { label: 'mixture', value: mix.name, note: `seed ${mix.seed}` },
        { label: 'tokens', value: int(mix.tokens), note: `${int(mix.requestedTokens)} requested (${pct(mix.requestedTokens ? mix.tokens / mix.requestedTokens : NaN)})` },
        { label: 'documents', value: int(mix.documents) },
        { label: 'sources', value: int(mix.sources.length) },
        { label: 'shards', value: int(m.totals.shards), note: `tokenizer ${m.tokenizer.name}` },
        { label: 'shuffle buckets', value: int(mix.shuffle.buckets) },
      ]) + note(`Run directory ${runDir}. Every document of the mixture was read from its source run's shards: nothing is filtered here.`),
  };
  const shares: Section = {
    id: 'shares',
    title: 'Requested and realized shares',
    html:
      groupedBarChart({
        id: 'mix-shares',
        title: 'Share of the mixture’s tokens, per source',
        note: 'Requested: the weight (or token budget) in the mix file; realized: the tokens the mixture holds. They differ when a source runs out (maxEpochs) or by the last document of a partial epoch.',
        bars: mix.sources.flatMap((s) => [
          { category: s.name, series: 'requested', value: 100 * s.requestedShare },
          { category: s.name, series: 'realized', value: 100 * s.share },
        ]),
        xLabel: '% of the mixture’s tokens →',
        series: ['requested', 'realized'],
        colors: ['#b8bec9', '#4e79a7'],
      }) +
      table({
        id: 'mix-sources',
        columns: [
          { label: 'source', key: 'source' },
          { label: 'requested share', numeric: true, key: 'requested' },
          { label: 'realized share', numeric: true, key: 'realized' },
          { label: 'tokens', numeric: true, key: 'tokens' },
          { label: 'requested tokens', numeric: true },
          { label: 'documents', numeric: true },
          { label: 'epochs', numeric: true, title: 'tokens taken / tokens in the source run' },
          { label: 'max epochs', numeric: true },
          { label: 'source tokens', numeric: true },
        ],
        rows: mix.sources.map((s) => [
          s.name,
          { text: pct(s.requestedShare), sort: s.requestedShare },
          { text: pct(s.share), sort: s.share },
          s.tokens,
          s.requestedTokens,
          s.documents,
          { text: num(s.epochs, 3), sort: s.epochs },
          s.maxEpochs,
          s.sourceTokens,
        ]),
      }),
  };
  const tokens: Section = { id: 'tokens', title: 'Shards', html: m.shards.length ? shardsBlock(m.shards) : note('The mixture has no shards.') };
  const lineage: Section = {
    id: 'lineage',
    title: 'Lineage',
    html: table({
      id: 'mix-lineage',
      columns: [{ label: 'source' }, { label: 'run (as in the mix file)' }, { label: 'manifest' }, { label: 'manifest sha256' }, { label: 'config hash' }],
      rows: mix.sources.map((s) => [
        s.name,
        s.run,
        s.manifest.path,
        { html: `<code>${escapeHtml(s.manifest.sha256.slice(0, 16))}…</code>` },
        { html: `<code>${escapeHtml(s.configHash.slice(0, 12))}…</code>` },
      ]),
      sortable: false,
    }),
  };
  return [summary, shares, tokens, lineage];
}
