// Command-line entry point the `biglm` CLI dispatches to: `biglm tokenizer …` (`biglm serve` is cli/commands/serve.ts).
// Each returns an exit status instead of exiting, so tests can call it.

import { intOption, parseCommand } from '../args.js';
import { describeEncoding, getEncoding, listEncodings } from '../../tokenizer/index.js';
import { trainTokenizer } from '../../tokenizer/train/index.js';

const TOKENIZER_HELP = `Usage: biglm tokenizer <command> [options]

Commands:
  train <inputs...> --out DIR [--vocab-size N] [--pattern cl100k_base|o200k_base] [--name NAME]
      Learn a byte-level BPE vocabulary from text. Inputs: text or JSONL files (a "text" field per
      line; .gz allowed), or run directories (their text/*.jsonl). Writes DIR/tokenizer.tiktoken
      (tiktoken rank format) and DIR/tokenizer.json (regex, special tokens, training settings).
      --vocab-size N   base vocabulary incl. 256 byte tokens and EOS (default 8448)
      --max-piece-bytes N   ignore longer pre-tokenized pieces while counting (default 256)
      --max-unique-pieces N bound on distinct pieces in memory; the rarest are pruned past it (default 8000000)
  export <name-or-path> --format hf --out DIR
      Write the vocabulary as Hugging Face tokenizers' DIR/tokenizer.json (byte-level BPE with the same
      regex: Tokenizer.from_file gives the same ids) and DIR/tokenizer_config.json (AutoTokenizer).
  list
      The built-in encodings.
  info <name-or-path>
      Sizes, special ids and checksum of an encoding, as JSON.
  encode <name-or-path> [text]      Print the ids of text (or stdin) as JSON.
  count <name-or-path> [text]       Print the token count of text (or stdin).
`;

export async function tokenizerCommand(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest);
      case 'export':
        return await exportVocabulary(rest);
      case 'list':
        process.stdout.write(listEncodings().join('\n') + '\n');
        return 0;
      case 'info':
        if (rest[0] === undefined) throw new Error('needs an encoding name or vocabulary path');
        process.stdout.write(JSON.stringify(describeEncoding(rest[0]), null, 2) + '\n');
        return 0;
      case 'encode':
      case 'count': {
        const text = rest[1] ?? (await readStdin());
        return withEncoding(rest, (enc) =>
          process.stdout.write((command === 'encode' ? JSON.stringify([...enc.encode(text)]) : String(enc.count(text))) + '\n'),
        );
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(TOKENIZER_HELP);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`biglm tokenizer: unknown command '${command}'\n\n${TOKENIZER_HELP}`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`biglm tokenizer ${command}: ${(err as Error).message}\n`);
    return 1;
  }
}

async function exportVocabulary(args: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(args, { format: { type: 'string' }, out: { type: 'string', short: 'o' } }, TOKENIZER_HELP);
  if (wantsHelp) {
    process.stdout.write(TOKENIZER_HELP);
    return 0;
  }
  if (positionals.length !== 1 || values.out === undefined || values.format !== 'hf') {
    process.stderr.write(`biglm tokenizer export: needs one encoding name or vocabulary path, --format hf and --out DIR\n\n${TOKENIZER_HELP}`);
    return 2;
  }
  const { writeHfTokenizer } = await import('../../tokenizer/export/model-folder.js');
  const r = await writeHfTokenizer(positionals[0], values.out);
  process.stdout.write(`wrote ${r.files.map((f) => `${values.out}/${f}`).join(', ')} (${r.name}: ${r.vocabSize} tokens, ${r.merges} merges)\n`);
  return 0;
}

async function train(args: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    args,
    {
      out: { type: 'string', short: 'o' },
      'vocab-size': { type: 'string' },
      pattern: { type: 'string' },
      name: { type: 'string' },
      'max-piece-bytes': { type: 'string' },
      'max-unique-pieces': { type: 'string' },
    },
    TOKENIZER_HELP,
  );
  if (wantsHelp) {
    process.stdout.write(TOKENIZER_HELP);
    return 0;
  }
  if (positionals.length === 0 || values.out === undefined) {
    process.stderr.write(`biglm tokenizer train: needs inputs and --out DIR\n\n${TOKENIZER_HELP}`);
    return 2;
  }
  const result = await trainTokenizer({
    inputs: positionals,
    out: values.out,
    ...(values['vocab-size'] !== undefined ? { vocabSize: intOption(values['vocab-size'], 'vocab-size') } : {}),
    ...(values['max-piece-bytes'] !== undefined ? { maxPieceBytes: intOption(values['max-piece-bytes'], 'max-piece-bytes') } : {}),
    ...(values['max-unique-pieces'] !== undefined ? { maxUniquePieces: intOption(values['max-unique-pieces'], 'max-unique-pieces') } : {}),
    ...(values.pattern !== undefined ? { pattern: values.pattern as 'cl100k_base' } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
  });
  const { sidecar } = result;
  process.stdout.write(
    `wrote ${result.rankFile} (${sidecar.ranks} ranks, vocabulary ${sidecar.vocabSize}, EOS ${sidecar.ranks}) ` +
      `in ${(result.seconds.count + result.seconds.merge).toFixed(1)} s\n`,
  );
  return 0;
}

function withEncoding(args: string[], use: (enc: ReturnType<typeof getEncoding>) => void): number {
  if (args[0] === undefined) throw new Error('needs an encoding name or vocabulary path');
  const enc = getEncoding(args[0]);
  try {
    use(enc);
  } finally {
    enc.free();
  }
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
