// A run directory on object storage (`--out s3://bucket/runs/x`). Tasks work in a local mirror of it — a
// folder on local disk that holds the run's files — and the mirror is kept in step with the bucket:
//
// - opening pulls the objects the process needs (a local copy of the same size is kept), and forgets local
//   markers the bucket does not have, so only the bucket decides what is done;
// - a task that finishes pushes every file its marker lists, then the marker itself, last. As in datatrove,
//   the marker is the only proof that a task's outputs are complete: a task killed before its marker reached
//   the bucket is rerun, and its outputs (uploaded again whole: a PUT is atomic) overwrite any it left.
//
// So a killed run resumes from the bucket alone, on this machine or another, and Slurm nodes that share
// nothing but the bucket each work in their own mirror.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteObject, deletePrefix, joinLocation, listObjects, readStream, statObject, writeObject, type ObjectInfo } from '../../storage/index.js';
import type { Plan } from './plan.js';
import { runPaths } from './layout.js';
import type { FileRecord } from './file-record.js';

/** In a mirror: the run directory it mirrors. */
export const REMOTE_FILE = '.biglm-remote.json';

export interface MirrorOptions {
  /** Start over: delete every object of the run in the bucket, and the mirror. */
  force?: boolean;
  /** Leave these out of the pull (relative paths): a task needs no other task's shards. */
  skip?: (rel: string) => boolean;
  /**
   * A task's mirror (a Slurm element; several may run on one node at once), removed by `closeMirror`. It lists
   * only `markers/` and `tokenizer/` and gets config.json and plan.json; markers are empty placeholders that say
   * which tasks are done, and `pullTaskInputs` downloads the real markers and files its ranks read. Without this,
   * each element of a 90,000-rank run would download every marker and stats file of the run.
   */
  private?: boolean;
}

/** Folder of the mirror: `$BIGLM_SCRATCH` (default the system temp folder) / biglm-mirrors / hash of the URL. */
export function mirrorDir(url: string, own = false): string {
  const base = path.join(process.env.BIGLM_SCRATCH ?? os.tmpdir(), 'biglm-mirrors', createHash('sha256').update(url).digest('hex').slice(0, 16));
  return own ? path.join(base, `task-${process.pid}-${randomBytes(4).toString('hex')}`) : path.join(base, 'run');
}

/** The remote run directory a local folder mirrors, or undefined for an ordinary run directory. */
export function remoteOf(runDir: string): string | undefined {
  const file = path.join(runDir, REMOTE_FILE);
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
}

function relativeKey(url: string, o: ObjectInfo): string {
  return o.location.slice(url.replace(/\/+$/, '').length + 1);
}

export async function openMirror(url: string, opts: MirrorOptions = {}): Promise<string> {
  const root = url.replace(/\/+$/, '');
  const dir = mirrorDir(root, opts.private);
  if (opts.force) {
    await deletePrefix(root);
    await fs.rm(dir, { recursive: true, force: true });
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, REMOTE_FILE), JSON.stringify({ url: root }) + '\n');
  const remoteMarkers = new Set<string>();
  const listing = opts.private ? privateListing(root) : listObjects(root);
  for await (const o of listing) {
    const rel = relativeKey(root, o);
    if (rel.startsWith('markers/')) remoteMarkers.add(rel);
    if (opts.skip?.(rel)) continue;
    const local = path.join(dir, rel);
    if (opts.private && rel.startsWith('markers/')) {
      await fs.mkdir(path.dirname(local), { recursive: true });
      await fs.writeFile(local, '');
      continue;
    }
    const st = await fs.stat(local).catch(() => undefined);
    // markers are small and decide everything: always the bucket's copy
    if (st?.size === o.size && !rel.startsWith('markers/')) continue;
    await writeObject(local, readStream(o.location, { etag: o.etag, size: o.size }));
  }
  for (const rel of await localFiles(dir, 'markers')) {
    if (!remoteMarkers.has(rel)) await fs.rm(path.join(dir, rel), { force: true });
  }
  return dir;
}

/** What a task's mirror starts from: the run's config and plan, the markers and the trained tokenizer. */
async function* privateListing(root: string): AsyncIterable<ObjectInfo> {
  for (const file of ['config.json', 'plan.json']) {
    const info = await statObject(joinLocation(root, file));
    if (info !== undefined) yield info;
  }
  for (const prefix of ['markers', 'tokenizer']) yield* listObjects(joinLocation(root, prefix));
}

/** Downloads objects of the run below `prefix` (relative, '/'-separated) that the mirror lacks or holds at another size. */
export async function pullPrefix(runDir: string, prefix: string, keep: (rel: string) => boolean = () => true): Promise<void> {
  const url = remoteOf(runDir);
  if (url === undefined) return;
  for await (const o of listObjects(joinLocation(url, prefix))) {
    const rel = relativeKey(url, o);
    if (keep(rel)) await pullObject(runDir, rel, o);
  }
}

async function pullObject(runDir: string, rel: string, o: ObjectInfo, always = false): Promise<void> {
  const local = path.join(runDir, rel);
  const st = await fs.stat(local).catch(() => undefined);
  if (st?.size === o.size && !always) return;
  await writeObject(local, readStream(o.location, { etag: o.etag, size: o.size }));
}

/**
 * What the given ranks of a step read that a task's mirror leaves out at first: the segment files of those ranks
 * (a later segment), dedup's files (a later segment or a global step), every segment file (tokenizer training).
 * So a Slurm element downloads its own inputs, not every rank's.
 */
export async function pullTaskInputs(runDir: string, plan: Plan, step: string, ranks: number[]): Promise<void> {
  const url = remoteOf(runDir);
  if (url === undefined) return;
  const i = plan.steps.findIndex((x) => x.name === step);
  if (i < 0) return;
  const s = plan.steps[i];
  const rel = (file: string) => path.relative(runDir, file).split(path.sep).join('/');
  const pullOne = async (file: string) => {
    const info = await statObject(joinLocation(url, rel(file)));
    // a missing file is reported by the task that reads it, against its producer's marker
    if (info !== undefined) await pullObject(runDir, rel(file), info, true);
  };
  const markersOf = (name: string, of: readonly number[]) => Promise.all(of.map((r) => pullOne(runPaths.marker(runDir, name, r))));
  const all = (worldSize: number) => Array.from({ length: worldSize }, (_, r) => r);
  // its own markers: a rank done since the element was queued is skipped
  await markersOf(step, ranks);
  const tokenizerStep = plan.steps.find((x) => x.kind === 'tokenizer');
  if (s.kind === 'segment' && s.segment > 0) {
    const before = plan.steps.find((x) => x.kind === 'segment' && x.segment === s.segment - 1)!;
    await markersOf(before.name, ranks);
    for (const rank of ranks) await pullOne(runPaths.segment(runDir, s.segment - 1, rank));
    if (tokenizerStep) await markersOf(tokenizerStep.name, [0]);
  }
  if ((s.kind === 'segment' && s.segment > 0) || s.kind === 'global') await pullPrefix(runDir, 'dedup');
  if (s.kind === 'tokenizer') {
    const before = plan.steps[i - 1];
    await markersOf(before.name, all(before.worldSize));
    await pullPrefix(runDir, 'segments');
  }
  if (s.kind === 'finalize') {
    // finalize checks every task's stats file against its marker, and the report shows the drop examples
    for (const x of plan.steps) if (x.kind !== 'finalize') await markersOf(x.name, all(x.worldSize));
    await pullPrefix(runDir, 'stats');
    await pullPrefix(runDir, 'excluded');
    // dedup's reports and clusters, not its bulk files (signatures, pairs, hashes)
    await pullPrefix(runDir, 'dedup', (r) => !/^dedup\/[^/]+\/(sigs|pairs|hashes|minima|keys)\//.test(r));
  }
}

/** Removes a task's own mirror. */
export async function closeMirror(dir: string): Promise<void> {
  if (path.basename(dir).startsWith('task-')) await fs.rm(dir, { recursive: true, force: true });
}

/** Uploads files of the mirror (relative paths), in order; a no-op for an ordinary run directory. */
export async function pushFiles(runDir: string, rels: string[]): Promise<void> {
  const url = remoteOf(runDir);
  if (url === undefined) return;
  for (const rel of rels) {
    // streamed: a shard may be gigabytes (uploaded in 8 MiB parts)
    await writeObject(joinLocation(url, rel.split(path.sep).join('/')), createReadStream(path.join(runDir, rel), { highWaterMark: 1 << 20 }));
  }
}

/** Size and mtime of every file below `sub` of a mirror (undefined for an ordinary run directory). */
export async function snapshotFiles(runDir: string, sub: string): Promise<Map<string, string> | undefined> {
  if (remoteOf(runDir) === undefined) return undefined;
  const snap = new Map<string, string>();
  for (const rel of await localFiles(runDir, sub)) {
    const st = await fs.stat(path.join(runDir, rel));
    snap.set(rel, `${st.size}:${st.mtimeMs}`);
  }
  return snap;
}

/**
 * After a task's marker: its outputs, then the marker last. `before` is a snapshot taken when the task
 * started, for steps whose marker does not list their files (dedup's global steps, whose files carry
 * their own checksums): what changed below it since is pushed too.
 */
export async function pushTask(runDir: string, marker: string, outputs: FileRecord[], before?: { sub: string; files: Map<string, string> }): Promise<void> {
  if (remoteOf(runDir) === undefined) return;
  const written = outputs.map((o) => o.path);
  if (before) {
    const after = (await snapshotFiles(runDir, before.sub)) ?? new Map<string, string>();
    for (const [rel, v] of after) if (before.files.get(rel) !== v && !path.basename(rel).startsWith('.')) written.push(rel);
  }
  await pushFiles(runDir, [...new Set(written), path.relative(runDir, marker)]);
}

/**
 * Every file of the mirror whose copy in the bucket is missing or of another size (reports, Slurm scripts,
 * files written outside a task), markers last.
 */
export async function pushChanged(runDir: string): Promise<number> {
  const url = remoteOf(runDir);
  if (url === undefined) return 0;
  const remote = new Map<string, number>();
  for await (const o of listObjects(url)) remote.set(relativeKey(url, o), o.size);
  const todo: string[] = [];
  for (const rel of await localFiles(runDir, '')) {
    if (rel === REMOTE_FILE || path.basename(rel).startsWith('.')) continue;
    const st = await fs.stat(path.join(runDir, rel));
    if (remote.get(rel) !== st.size) todo.push(rel);
  }
  todo.sort((a, b) => Number(a.startsWith('markers/')) - Number(b.startsWith('markers/')));
  await pushFiles(runDir, todo);
  return todo.length;
}

async function localFiles(root: string, sub: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  await walk(sub);
  return out.sort();
}
