// Is the run directory on storage every node sees? Slurm runs tasks on other machines, which must read
// and write the same run directory. `stat -f` names the filesystem type; a local-only type is worth a
// warning on a multi-node cluster (it is fine on a one-node cluster).

import { execFile } from 'node:child_process';

/** Filesystem types that only the local machine sees. */
const LOCAL_ONLY = new Set(['tmpfs', 'ramfs', 'ext2/ext3', 'ext4', 'xfs', 'btrfs', 'overlayfs', 'overlay', 'zfs', 'f2fs', 'vfat', 'devtmpfs']);
/** Types known to be shared (network or cluster filesystems). */
const SHARED = ['nfs', 'nfs4', 'lustre', 'gpfs', 'beegfs', 'cephfs', 'ceph', 'fuse.sshfs', 'smb2', 'cifs', 'panfs', 'wekafs', 'fuseblk', 'fuse'];

export async function filesystemType(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('stat', ['-f', '-c', '%T', dir], { timeout: 10_000 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

export function storageKind(fsType: string | undefined): 'local' | 'shared' | 'unknown' {
  if (!fsType) return 'unknown';
  if (LOCAL_ONLY.has(fsType)) return 'local';
  if (SHARED.some((t) => fsType === t || fsType.startsWith(`${t}`))) return 'shared';
  return 'unknown';
}
