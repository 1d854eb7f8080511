// The piscina worker of `biglm mask`: one source shard per call, the same function that runs inline.

import { maskShard, type ShardResult, type ShardTask } from './shard.js';

export default function maskShardWorker(task: ShardTask): Promise<ShardResult> {
  return maskShard(task);
}
