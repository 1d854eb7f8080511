// The stages one segment task chains, in order: the barrier stage that opens the segment, the config's stages
// (tokenize among them in the last segment), the barrier's collect stage that closes it, then the writers —
// the segment file, or the token shards and the text output. The runner counts and times every stage but the
// writers (runner/instrument.ts), and puts the report's length probes where filtering starts and where the
// documents leave for the shards.

import type { Stage } from '../core/stage.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Registries } from '../config/resolve.js';
import type { Encoding } from '../../tokenizer/index.js';
import { TOKENIZE_STAGE } from '../tokenize/stage.js';
import { LengthProbe, sourceGroups } from '../report/collect.js';
import type { StatsRecorder } from '../core/stats.js';
import { segmentFileWriter } from '../writers/segment-file-writer.js';
import { tokenShardsWriter } from '../writers/token-shards-writer.js';
import { textOutputWriter } from '../writers/text-output-writer.js';
import type { WrittenFiles } from '../writers/writer-stage.js';
import { stageSetup, type SegmentPlan } from './plan.js';
import { runPaths } from './layout.js';

export interface ChainLink {
  name: string;
  stage: Stage;
  /** Counted and timed by the runner; a barrier's collect stage adds its time, not its documents. */
  counted?: { docs: boolean; probes?: { in?: LengthProbe; out?: LengthProbe } };
}

export interface SegmentTask {
  cfg: ResolvedConfig;
  seg: SegmentPlan;
  rank: number;
  reg: Registries;
  runDir: string;
  stats: StatsRecorder;
  /** The last segment's encoding (loaded by the runner, which checks a trained vocabulary first). */
  encoding?: Encoding;
}

export function segmentChain(t: SegmentTask, written: WrittenFiles): ChainLink[] {
  const { cfg, seg, reg, runDir } = t;
  const create = (s: { type: string; name: string; options: Record<string, unknown> }) =>
    reg.stages.get(s.type).create(s.options, stageSetup(cfg, runDir, s.name));
  const links: ChainLink[] = [];
  if (seg.opensWith) links.push({ name: seg.opensWith.name, stage: create(seg.opensWith), counted: { docs: true } });
  for (const s of seg.stages) links.push({ name: s.name, stage: create(s), counted: { docs: true } });
  if (seg.closesWith) {
    const collect = reg.stages.get(seg.closesWith.type).barrier!.collect(seg.closesWith.options, stageSetup(cfg, runDir, seg.closesWith.name));
    links.push({ name: seg.closesWith.name, stage: collect, counted: { docs: false } });
  }
  placeProbes(t, links);

  if (!seg.last) {
    links.push({ name: 'segment_file', stage: segmentFileWriter(runDir, runPaths.segment(runDir, seg.index, t.rank), written) });
    return links;
  }
  const encoding = t.encoding!;
  const { shardMaxBytes, batchDocs, textOutput } = cfg.output;
  links.push({ name: 'shards', stage: tokenShardsWriter({ runDir, rank: t.rank, encoding, shardMaxBytes, batchDocs }, written) });
  if (textOutput !== 'none') {
    links.push({ name: 'text', stage: textOutputWriter(runDir, runPaths.textOutput(runDir, t.rank, textOutput), textOutput, written) });
  }
  return links;
}

/**
 * Document lengths per source where filtering starts (out of HTML extraction, else into the first stage of
 * the first segment) and out of tokenize (what the shards hold), for the report.
 */
function placeProbes({ cfg, seg, stats }: SegmentTask, links: ChainLink[]): void {
  const groups = sourceGroups(cfg.inputs);
  const stages = [seg.opensWith, ...seg.stages, seg.closesWith].filter((s) => s !== undefined);
  if (seg.index === 0) {
    const extract = stages.findIndex((s) => s.type === 'html_extract');
    if (extract >= 0) links[extract].counted!.probes = { out: new LengthProbe('before', links[extract].name, groups, stats) };
    else if (links.length > 0 && stages[0].type !== TOKENIZE_STAGE) links[0].counted!.probes = { in: new LengthProbe('before', links[0].name, groups, stats) };
  }
  const tokenize = stages.findIndex((s) => s.type === TOKENIZE_STAGE);
  if (tokenize >= 0) {
    const link = links[tokenize];
    link.counted!.probes = { ...link.counted!.probes, out: new LengthProbe('after', link.name, groups, stats) };
  }
}
