// JSON Schema of every kind of config file, generated from the zod schemas that check them, so an editor
// validates and completes a config as biglm will read it. In a prepare config each stage entry is one of
// the registered stage types (its own options, defaults and descriptions, chosen by `type`) or a stage
// from the user's module (`./my-stages.js#isGood`, options not known here); reader options are per format.

import { z } from 'zod';
import type { Registries } from './resolve.js';
import { RunConfig } from './schema.js';
import { MixFileShape } from '../mix/schema.js';
import { TrainConfigSchema } from '../../formats/train-config/schema.js';
import { MODULE_REF_PATTERN } from '../custom/module-ref.js';
import { listEncodings } from '../../tokenizer/index.js';

export type JsonSchema = Record<string, unknown>;

/** The config files biglm reads: `biglm prepare CONFIG`, `biglm mix CONFIG`, `biglm train CONFIG`. */
export const CONFIG_KINDS = ['prepare', 'mix', 'train'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

export function configJsonSchema(kind: ConfigKind, reg: Registries): JsonSchema {
  switch (kind) {
    case 'prepare':
      return prepareSchema(reg);
    case 'mix':
      return { $schema: DRAFT, title: 'biglm mix config', ...toJson(MixFileShape) };
    case 'train':
      return { $schema: DRAFT, title: 'biglm train config', ...toJson(TrainConfigSchema) };
  }
}

/** Which kind a parsed config file is, from its keys (for `biglm config resolve`). */
export function detectConfigKind(raw: unknown): ConfigKind | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  if ('inputs' in raw || 'stages' in raw) return 'prepare';
  if ('mixtures' in raw) return 'mix';
  if ('examples' in raw || 'model' in raw || 'optim' in raw) return 'train';
  return undefined;
}

function toJson(schema: z.ZodType): JsonSchema {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function prepareSchema(reg: Registries): JsonSchema {
  const root = toJson(RunConfig) as JsonSchema & { properties: Record<string, JsonSchema> };
  const defs: Record<string, JsonSchema> = {};

  const stageRefs = reg.stages.names().map((type) => {
    const def = reg.stages.get(type);
    const s = toJson(def.schema) as JsonSchema & { properties?: Record<string, unknown>; required?: string[] };
    defs[`stage.${type}`] = {
      ...s,
      title: type,
      description: def.description,
      properties: {
        type: { const: type, description: def.description },
        name: { type: 'string', description: 'Name for stats and outputs; defaults to the type (type#2 for a repeat).' },
        ...s.properties,
      },
      required: ['type', ...(s.required ?? [])],
    };
    return { $ref: `#/$defs/stage.${type}` };
  });
  defs['stage.module'] = {
    type: 'object',
    title: 'a stage from your module',
    description:
      'A filter, mapper or stage exported by your own module: "./my-stages.js#isGood" (path relative to this config; without #EXPORT the default export). Its options are checked by its own schema when it has one.',
    properties: {
      type: { type: 'string', pattern: MODULE_REF_PATTERN, description: 'MODULE#EXPORT, e.g. ./my-stages.js#isGood' },
      name: { type: 'string', description: 'Name for stats and drop reasons; defaults to the export name (or the definition\'s type).' },
    },
    required: ['type'],
    additionalProperties: true,
  };
  root.properties.stages = { ...root.properties.stages, items: { oneOf: [...stageRefs, { $ref: '#/$defs/stage.module' }] } };

  const readerOptions: Record<string, unknown> = {};
  for (const format of reg.readers.names()) {
    const def = reg.readers.get(format);
    defs[`reader.${format}`] = { ...toJson(def.schema), title: `${format} reader options`, description: def.description };
    readerOptions[format] = { $ref: `#/$defs/reader.${format}` };
  }
  const reader = root.properties.reader as JsonSchema & { properties: Record<string, JsonSchema> };
  reader.properties.format = { ...reader.properties.format, enum: ['auto', ...reg.readers.names()] };
  reader.properties.options = { ...reader.properties.options, properties: readerOptions, additionalProperties: false };
  delete reader.properties.options.propertyNames;

  const tokenizer = root.properties.tokenizer as JsonSchema & { properties: Record<string, JsonSchema> };
  tokenizer.properties.name = { ...tokenizer.properties.name, examples: listEncodings() };

  return { $schema: DRAFT, title: 'biglm prepare config', ...root, $defs: defs };
}
