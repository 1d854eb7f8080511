// The JSON Schema of config files, checked the way editors use it: every config in configs/ validates
// (Ajv, draft 2020-12), misspelt keys and unknown stage types do not, and VS Code's own JSON language
// service completes stage types and a stage's options from it.

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import { configJsonSchema, detectConfigKind, CONFIG_KINDS } from '../../pipeline/config/json-schema.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { TrainConfigSchema } from '../../model/config.js';
import { biglm, haveDist, removeTempDirs, repoRoot, tempDir } from '../executor/fixtures.js';

afterAll(removeTempDirs);

const reg = defaultRegistries();
const schemas = Object.fromEntries(CONFIG_KINDS.map((k) => [k, configJsonSchema(k, reg)]));
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = Object.fromEntries(CONFIG_KINDS.map((k) => [k, ajv.compile(schemas[k])]));

function errorsOf(kind: (typeof CONFIG_KINDS)[number], config: unknown): string[] {
  const validate = validators[kind];
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const configsDir = path.join(repoRoot, 'configs');
const configFiles = readdirSync(configsDir).filter((f) => f.endsWith('.json')).sort();

describe('the JSON Schema of config files', () => {
  it.each(configFiles)('accepts configs/%s', (file) => {
    const config = JSON.parse(readFileSync(path.join(configsDir, file), 'utf8'));
    const kind = detectConfigKind(config);
    expect(kind).toBeDefined();
    expect(errorsOf(kind!, config)).toEqual([]);
  });

  it('has one alternative per stage type with that stage\'s options, and one for stages from a module', () => {
    const defs = schemas.prepare.$defs as Record<string, { properties: Record<string, { default?: unknown }> }>;
    expect(Object.keys(defs).filter((k) => k.startsWith('stage.')).sort()).toEqual([...reg.stages.names().map((n) => `stage.${n}`), 'stage.module'].sort());
    expect(defs['stage.gopher_quality'].properties.minWords.default).toBe(50);
    expect(Object.keys(defs).filter((k) => k.startsWith('reader.')).sort()).toEqual(reg.readers.names().map((n) => `reader.${n}`));
  });

  it('rejects a misspelt key at the top, in a stage, in reader options and in the other kinds', () => {
    expect(errorsOf('prepare', { inputs: ['x'], tokeniser: { name: 'gpt2' } }).join('\n')).toMatch(/additionalProperty":"tokeniser"/);
    expect(errorsOf('prepare', { inputs: ['x'], stages: [{ type: 'gopher_quality', minWord: 10 }] }).length).toBeGreaterThan(0);
    expect(errorsOf('prepare', { inputs: ['x'], stages: [{ type: 'gopher_quality', minWords: 10 }] })).toEqual([]);
    expect(errorsOf('prepare', { inputs: ['x'], stages: [{ type: 'gopher_qualty' }] }).length).toBeGreaterThan(0);
    expect(errorsOf('prepare', { inputs: ['x'], reader: { options: { jsonl: { textFeild: 'body' } } } }).join('\n')).toMatch(/textFeild/);
    expect(errorsOf('prepare', { inputs: ['x'], reader: { options: { csv: {} } } }).join('\n')).toMatch(/csv/);
    expect(errorsOf('mix', { mixtures: [], totalToken: 5 }).join('\n')).toMatch(/totalToken/);
    expect(errorsOf('train', { examples: 'x', optim: { learningRate: 1 } }).join('\n')).toMatch(/learningRate/);
  });

  it('accepts "$schema" and stages from a module with their own options', () => {
    const config = { $schema: './biglm.schema.json', inputs: ['x'], stages: [{ type: './my-stages.js#isGood', minChars: 5 }, { type: '../lib/s.js' }] };
    expect(errorsOf('prepare', config)).toEqual([]);
  });

  it("is the library's too, the training config's included, with the trainer's defaults", async () => {
    const api = await import('../../api/index.js');
    expect(api.CONFIG_KINDS).toEqual(['prepare', 'mix', 'train']);
    const train = api.configJsonSchema('train', reg) as { title: string; properties: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }> };
    expect(train).toEqual(schemas.train);
    expect(train.title).toBe('biglm train config');
    expect(train.properties.steps.default).toBe(TrainConfigSchema.parse({ examples: 'x' }).steps);
    expect(train.properties.optim.properties!.beta2.default).toBe(0.95);
  });
});

describe('VS Code\'s JSON language service with the schema', () => {
  const service = getLanguageService({});
  service.configure({ validate: true, schemas: [{ uri: 'biglm://prepare.schema.json', fileMatch: ['*.json'], schema: structuredClone(schemas.prepare) }] });

  async function complete(text: string): Promise<string[]> {
    const at = text.indexOf('|');
    const doc = TextDocument.create('file:///cfg.json', 'json', 1, text.replace('|', ''));
    const list = await service.doComplete(doc, doc.positionAt(at), service.parseJSONDocument(doc));
    return (list?.items ?? []).map((i) => i.label);
  }

  it('completes stage types', async () => {
    const labels = await complete('{ "inputs": ["x"], "stages": [ { "type": | } ] }');
    expect(labels).toEqual(expect.arrayContaining(reg.stages.names().map((n) => JSON.stringify(n))));
  });

  it('completes the options of the stage a type names', async () => {
    const labels = await complete('{ "inputs": ["x"], "stages": [ { "type": "c4_quality", | } ] }');
    expect(labels).toEqual(expect.arrayContaining(['filterNoTerminalPunct', 'writeExcluded']));
    expect(labels).not.toContain('minWords'); // gopher_quality's, not c4_quality's
  });

  it('reports a misspelt option', async () => {
    const doc = TextDocument.create('file:///cfg.json', 'json', 1, '{ "inputs": ["x"], "stages": [ { "type": "length", "minChar": 3 } ] }');
    const diagnostics = await service.doValidation(doc, service.parseJSONDocument(doc));
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/minChar/);
  });
});

describe.skipIf(!haveDist)('biglm config', () => {
  it('schema prints the prepare schema; resolve prints a train config with its defaults', async () => {
    const schema = await biglm(['config', 'schema']);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toEqual(JSON.parse(JSON.stringify(schemas.prepare)));
    const train = await biglm(['config', 'schema', '--kind', 'train']);
    expect(JSON.parse(train.stdout)).toEqual(JSON.parse(JSON.stringify(schemas.train)));
    const resolved = await biglm(['config', 'resolve', path.join(configsDir, 'train-tiny.json')]);
    expect(resolved.code).toBe(0);
    const cfg = JSON.parse(resolved.stdout);
    expect(cfg.steps).toBe(1600);
    expect(cfg.optim.beta2).toBe(0.95);
    expect(cfg.keepCheckpoints).toBe(2);
  });

  it('resolve exits 2 naming a misspelt key and the fix', async () => {
    const dir = tempDir('biglm-config-');
    const file = path.join(dir, 'train.json');
    writeFileSync(file, JSON.stringify({ examples: 'x', batchSzie: 4 }));
    const r = await biglm(['config', 'resolve', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/batchSzie: unknown key \(did you mean 'batchSize'\?\)/);
  });
});
