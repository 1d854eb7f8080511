// The values an example shard's columns share between `biglm mask` (which writes them) and the trainer
// (which reads them): a drift here would train on the wrong positions without any error.

/** `labels` at a position the loss ignores (PyTorch's cross-entropy default, so exported shards need no rewrite). */
export const IGNORE_LABEL = -100;

/** `roles`: padding, a source token (visible to the whole segment), a target token (sees the whole segment). */
export const ROLE_PAD = 0;
export const ROLE_SOURCE = 1;
export const ROLE_TARGET = 2;
