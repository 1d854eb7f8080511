// Config file → ResolvedConfig: parse the frame, expand inputs, check every stage's and reader's options
// against their own schemas (filling defaults), and name each stage instance.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { z } from 'zod';
import type { Registry } from '../../lib/registry.js';
import type { StageDefinition } from '../core/stage.js';
import type { ReaderDefinition } from '../core/reader.js';
import { recompressAdvice, unsupportedCompressionOf } from '../readers/unsupported-compression.js';
import { ConfigError, describeIssues, objectKeys } from '../../lib/config-errors.js';
import { expandInputs } from './glob.js';
import { isModuleRef, parseModuleRef } from '../custom/module-ref.js';
import { loadModuleStage } from '../custom/load.js';
import { describeEncoding, listEncodings } from '../../tokenizer/index.js';
import { RunConfig, type RunConfigInput, type ResolvedConfig, type ResolvedStage } from './schema.js';

export interface Registries {
  readers: Registry<ReaderDefinition>;
  stages: Registry<StageDefinition>;
  detectFormat(file: string): string;
}

export { loadConfigFile } from './config-file.js';

/** Where `resolveConfig` says what it changed or left out (the CLI's logger). */
export interface ConfigNotices {
  warn(message: string): void;
}

export async function resolveConfig(
  raw: RunConfigInput | unknown,
  configDir: string,
  reg: Registries,
  notices: ConfigNotices = { warn: () => {} },
): Promise<ResolvedConfig> {
  const parsed = RunConfig.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      describeIssues(parsed.error.issues, raw, 'config', (p) => (p.length === 0 ? objectKeys(RunConfig) : [])),
    );
  }
  const cfg = parsed.data;

  const { files, unmatched, skippedRunDirs } = await expandInputs(cfg.inputs, configDir);
  const skippedNote = skippedRunDirs.map((s) => `${s.files} file(s) under ${path.relative(configDir, s.dir) || '.'}`).join(', ');
  if (skippedRunDirs.length > 0) {
    notices.warn(
      `inputs: left out ${skippedNote}: biglm output folders (a run's plan.json or manifest.json) are never read as inputs; ` +
        'name such a file on its own, without a glob, to read it',
    );
  }
  if (unmatched.length > 0) {
    throw new ConfigError(
      `inputs: no file matches ${unmatched.map((u) => JSON.stringify(u)).join(', ')} (relative to ${configDir})` +
        (skippedRunDirs.length > 0 ? ` outside biglm output folders (left out: ${skippedNote})` : '') +
        '; check the path or glob',
    );
  }
  if (files.length === 0) {
    throw new ConfigError(
      `inputs: the ! patterns exclude every file the others match (${cfg.inputs.map((u) => JSON.stringify(u)).join(', ')}); narrow the exclusions`,
    );
  }
  if (cfg.tasks !== undefined && cfg.tasks > files.length) {
    notices.warn(`tasks = ${cfg.tasks}, but the inputs are ${files.length} file(s) and a task reads whole files: running ${files.length} task(s)`);
  }

  if (cfg.reader.format !== 'auto' && !reg.readers.has(cfg.reader.format)) {
    throw new ConfigError(
      `reader.format = ${JSON.stringify(cfg.reader.format)}: not an input format biglm reads; set it to 'auto' or one of: ${reg.readers.names().join(', ')}` +
        (cfg.reader.format.toLowerCase() === 'csv' || cfg.reader.format.toLowerCase() === 'tsv' ? ' (convert CSV/TSV to JSONL or Parquet first, e.g. with pandas or duckdb)' : ''),
    );
  }
  await refuseUnsupportedCompression(files);

  // Reader options: every format used must accept its options.
  const formats = new Set<string>();
  for (const f of files) {
    const format = cfg.reader.format === 'auto' ? detect(reg, f) : cfg.reader.format;
    reg.readers.get(format);
    formats.add(format);
  }
  const readerOptions: Record<string, Record<string, unknown>> = {};
  for (const [format, opts] of Object.entries(cfg.reader.options)) {
    if (!reg.readers.has(format)) {
      throw new ConfigError(`reader.options.${format}: unknown format; known: ${reg.readers.names().join(', ')}`);
    }
  }
  for (const format of [...formats].sort()) {
    readerOptions[format] = parseOptions(reg.readers.get(format).schema, cfg.reader.options[format] ?? {}, `reader.options.${format}`);
  }

  // `i` is the entry's index in the config's own list, for messages.
  const entries = cfg.stages.map((entry, i) => ({ entry, i }));
  // WARC responses (and JSONL records marked content_format: html) arrive as HTML: extract text first
  // unless the config places the extractor itself. It passes other documents through untouched.
  if (!cfg.stages.some((s) => s.type === 'html_extract') && reg.stages.has('html_extract')) {
    entries.unshift({ entry: { type: 'html_extract' }, i: -1 });
  }
  const stages: ResolvedStage[] = [];
  const seen = new Map<string, number>();
  for (const { entry, i } of entries) {
    const { type: written, name, ...options } = entry;
    let type = written;
    let base = type;
    if (isModuleRef(type)) {
      // A stage from the user's module: imported now, so a bad path or export fails before any task runs.
      const ref = parseModuleRef(type, configDir);
      base = (await loadModuleStage(ref, `stages[${i}].type = ${JSON.stringify(type)}`)).type;
      type = ref.type;
    } else if (!reg.stages.has(type)) {
      throw new ConfigError(
        `stages[${i}].type = ${JSON.stringify(type)}: unknown stage type; known: ${reg.stages.names().join(', ')}, or MODULE#EXPORT for a stage from your module (./my-stages.js#isGood)`,
      );
    }
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const stageName = name ?? (count === 1 ? base : `${base}#${count}`);
    if (stages.some((s) => s.name === stageName)) {
      throw new ConfigError(`stages[${i}].name = ${JSON.stringify(stageName)}: two stages share this name; give one a different "name"`);
    }
    stages.push({ type, name: stageName, options: parseOptions(reg.stages.get(type).schema, options, `stages[${i}] (${entry.type})`) });
  }

  const tokenizer = { ...cfg.tokenizer };
  if (tokenizer.train && listEncodings().includes(tokenizer.name)) tokenizer.name = `bpe-${tokenizer.train.vocabSize}`;
  if (!tokenizer.train && !listEncodings().includes(tokenizer.name)) {
    // Not a built-in: a trained vocabulary, relative to the config file.
    tokenizer.name = path.resolve(configDir, tokenizer.name);
    try {
      describeEncoding(tokenizer.name);
    } catch (e) {
      throw new ConfigError(`tokenizer.name: ${(e as Error).message}`);
    }
  }

  return {
    configDir,
    inputs: files,
    inputPatterns: cfg.inputs,
    reader: { format: cfg.reader.format, options: readerOptions },
    tasks: Math.max(1, Math.min(cfg.tasks ?? files.length, files.length)),
    seed: cfg.seed,
    stages,
    tokenizer,
    output: cfg.output,
  };
}

/** Inputs in a compression no reader decodes (bzip2, xz, …) are refused by content, whatever their names. */
async function refuseUnsupportedCompression(files: string[]): Promise<void> {
  for (let i = 0; i < files.length; i += 64) {
    const batch = files.slice(i, i + 64);
    const kinds = await Promise.all(batch.map((f) => unsupportedCompressionOf(f).catch(() => null)));
    const k = kinds.findIndex((x) => x !== null);
    if (k >= 0) throw new ConfigError(`inputs: ${recompressAdvice(batch[k], kinds[k]!)}`);
  }
}

function detect(reg: Registries, file: string): string {
  try {
    return reg.detectFormat(file);
  } catch (e) {
    throw new ConfigError(`inputs: ${(e as Error).message}; set reader.format to force one`);
  }
}

function parseOptions(schema: z.ZodType, options: unknown, where: string): Record<string, unknown> {
  const r = schema.safeParse(options);
  if (!r.success) throw new ConfigError(describeIssues(r.error.issues, options, where, (p) => (p.length === 0 ? objectKeys(schema) : [])));
  return r.data as Record<string, unknown>;
}

/** Hash of the resolved config that identifies a run's output (paths made relative to the config folder). */
export function configHash(cfg: ResolvedConfig): string {
  const relative = (f: string) => (path.isAbsolute(f) ? path.relative(cfg.configDir, f) : f);
  const portable = {
    ...cfg,
    configDir: '.',
    inputs: cfg.inputs.map(relative),
    tokenizer: { ...cfg.tokenizer, name: relative(cfg.tokenizer.name) },
  };
  return createHash('sha256').update(JSON.stringify(portable)).digest('hex');
}
