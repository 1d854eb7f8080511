// `biglm stages`: every stage type and reader with its options, defaults and descriptions.

import { z } from 'zod';
import { parseCommand } from '../args.js';
import { defaultRegistries } from '../../pipeline/registries.js';

export const STAGES_HELP = `biglm stages [TYPE]

List the stage types and readers a config can name, or one of them with all its options.`;

export async function stagesCommand(argv: string[]): Promise<number> {
  const { positionals, wantsHelp } = parseCommand(argv, {}, STAGES_HELP);
  if (wantsHelp) {
    console.log(STAGES_HELP);
    return 0;
  }
  const reg = defaultRegistries();
  if (positionals.length === 0) {
    console.log('stages:');
    for (const name of reg.stages.names()) console.log(`  ${name.padEnd(20)} ${reg.stages.get(name).description}`);
    console.log('readers:');
    for (const name of reg.readers.names()) console.log(`  ${name.padEnd(20)} ${reg.readers.get(name).description}`);
    console.log('your own: "type": "./my-stages.js#EXPORT" names a filter, mapper or stage exported by your module (README: biglm as a library)');
    return 0;
  }
  const name = positionals[0];
  const def = reg.stages.has(name) ? reg.stages.get(name) : reg.readers.get(name);
  console.log(`${name}: ${def.description}`);
  const schema = z.toJSONSchema(def.schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { description?: string; default?: unknown; type?: unknown }>;
  };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const dflt = prop.default !== undefined ? ` (default ${JSON.stringify(prop.default)})` : '';
    console.log(`  ${key}${dflt}\n      ${prop.description ?? ''}`);
  }
  return 0;
}
