// `biglm config`: the JSON Schema of the config files (for editors) and a config as biglm resolves it.

import { promises as fs } from 'node:fs';
import { parseCommand, UsageError } from '../args.js';
import { loadConfigFile, resolveConfig } from '../../pipeline/config/resolve.js';
import { ConfigError, describeIssues, objectKeys } from '../../lib/config-errors.js';
import { CONFIG_KINDS, configJsonSchema, detectConfigKind, type ConfigKind } from '../../pipeline/config/json-schema.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { TrainConfigSchema } from '../../model/config.js';

export const CONFIG_HELP = `biglm config schema [--kind prepare|mix|train] [--out FILE]
biglm config resolve CONFIG [--kind prepare|mix|train]

  schema    print the JSON Schema of a config file (default: prepare configs), generated from the
            same schemas biglm checks configs with. Save it and point your editor at it:
              biglm config schema > biglm.schema.json
            then "$schema": "./biglm.schema.json" in a config (or VS Code's json.schemas setting)
            validates and completes every key, stage type and option as you type.
  resolve   print CONFIG with every default filled in, inputs expanded and stage options checked:
            for a prepare config exactly what \`biglm prepare\` writes to <run>/config.json.
            The kind is taken from the file's keys unless --kind says it.`;

export async function configCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, { kind: { type: 'string' }, out: { type: 'string' } }, CONFIG_HELP);
  if (wantsHelp) {
    console.log(CONFIG_HELP);
    return 0;
  }
  const [sub, ...rest] = positionals;
  const kind = values.kind === undefined ? undefined : parseKind(values.kind);
  if (sub === 'schema') {
    if (rest.length > 0) throw new UsageError(`config schema takes no file; got ${rest.join(' ')}\n\n${CONFIG_HELP}`);
    const text = JSON.stringify(configJsonSchema(kind ?? 'prepare', defaultRegistries()), null, 2) + '\n';
    if (values.out) await fs.writeFile(values.out, text);
    else process.stdout.write(text);
    return 0;
  }
  if (sub === 'resolve') {
    if (rest.length !== 1) throw new UsageError(`config resolve takes one config file\n\n${CONFIG_HELP}`);
    if (values.out) throw new UsageError('--out goes with config schema');
    const file = rest[0];
    const { raw, dir } = await loadConfigFile(file);
    const k = kind ?? detectConfigKind(raw);
    if (!k) {
      throw new ConfigError(`${file}: cannot tell which kind of config this is (no inputs, mixtures or examples key); pass --kind ${CONFIG_KINDS.join('|')}`);
    }
    process.stdout.write(JSON.stringify(await resolveKind(k, raw, dir, file), null, 2) + '\n');
    return 0;
  }
  throw new UsageError(`${sub === undefined ? 'missing' : `unknown`} subcommand${sub ? ` '${sub}'` : ''}; use schema or resolve\n\n${CONFIG_HELP}`);
}

function parseKind(value: string): ConfigKind {
  if ((CONFIG_KINDS as readonly string[]).includes(value)) return value as ConfigKind;
  throw new UsageError(`--kind ${JSON.stringify(value)}: unknown kind; use one of ${CONFIG_KINDS.join(', ')}`);
}

async function resolveKind(kind: ConfigKind, raw: unknown, dir: string, file: string): Promise<unknown> {
  switch (kind) {
    case 'prepare':
      return resolveConfig(raw, dir, defaultRegistries());
    case 'mix':
      return parseMixFile(raw, dir, `mix file ${file}`);
    case 'train': {
      const parsed = TrainConfigSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ConfigError(describeIssues(parsed.error.issues, raw, `train config ${file}`, (p) => (p.length === 0 ? objectKeys(TrainConfigSchema) : [])));
      }
      return parsed.data;
    }
  }
}
