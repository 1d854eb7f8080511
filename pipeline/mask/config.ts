// The masking stage's configuration: every number of the BiGLM recipe (docs/masking.md) is a default here,
// and the fully resolved object is recorded in the output manifest.

import { z } from 'zod';

export const OBJECTIVES = ['biglm', 'bert', 'diffusion'] as const;
export type Objective = (typeof OBJECTIVES)[number];

const ratio = z.number().min(0).max(1);

export const biglmMaskingSchema = z
  .object({
    splitLow: ratio
      .default(0.2)
      .describe('Split point s is drawn uniformly from the integers in [splitLow·L, splitHigh·L)'),
    splitHigh: ratio.default(0.8).describe('Upper (exclusive) bound of the split point, as a fraction of L'),
    sourceRatio: z
      .enum(['adaptive', 'fixed', 'none'])
      .default('adaptive')
      .describe(
        "How many source tokens to mask: 'adaptive' = sourceBase − sourceSlope·r (upstream default), " +
          "'fixed' = sourceFixed, 'none' = no source masking",
      ),
    sourceBase: ratio.default(0.3).describe('Adaptive source ratio at r = 0'),
    sourceSlope: ratio.default(0.2).describe('Adaptive source ratio decreases by this much as r goes from 0 to 1'),
    sourceFixed: ratio.default(0.15).describe("Source ratio when sourceRatio = 'fixed'"),
    minTargetMasked: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('At least this many target tokens are masked: max(minTargetMasked, round(r·L_target))'),
    maxSpan: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(3)
      .describe('Spans have n = 1 … maxSpan tokens with P(n) ∝ 1/n (6/11, 3/11, 2/11 for 3)'),
  })
  .strict();

export const bertMaskingSchema = z
  .object({
    maskProb: ratio.default(0.15).describe('Each token is chosen independently with this probability'),
    replaceMask: ratio.default(0.8).describe('A chosen token becomes [MASK] with this probability'),
    replaceRandom: ratio
      .default(0.1)
      .describe('… or a random base-vocabulary token (EOS excluded) with this one; otherwise it is kept'),
  })
  .strict();

export const diffusionMaskingSchema = z
  .object({
    minT: ratio
      .default(0.001)
      .describe(
        'Per segment t = minT + (1 − minT)·u with u ~ U(0,1), so the loss weight 1/t stays bounded (LLaDA uses 1e-3)',
      ),
  })
  .strict();

export const maskConfigSchema = z
  .object({
    objective: z.enum(OBJECTIVES).default('biglm').describe('Which masking objective to write'),
    seqLen: z
      .number()
      .int()
      .min(16)
      .max(1 << 20)
      .default(128)
      .describe('Tokens per packed row (2048 upstream; our tiny models use 128)'),
    seed: z.number().int().min(0).default(0).describe('Seeds every random choice (with shard and row index)'),
    minDocTokens: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('Documents with this many tokens or fewer (BOS/EOS not counted) are dropped'),
    minMaskedSegment: z
      .number()
      .int()
      .min(1)
      .default(12)
      .describe('BiGLM: segments with fewer tokens than this (BOS/EOS not counted) are kept unmasked, role source'),
    validFraction: ratio
      .default(0.01)
      .describe('Rows whose hash(seed, shard, row) is below this go to the validation split (≥ 1 row when ≥ 2 rows)'),
    batchRows: z
      .number()
      .int()
      .min(1)
      .default(1024)
      .describe('Rows per Arrow record batch in the output (bounds memory; does not change the rows written)'),
    biglm: biglmMaskingSchema.default(biglmMaskingSchema.parse({})),
    bert: bertMaskingSchema.default(bertMaskingSchema.parse({})),
    diffusion: diffusionMaskingSchema.default(diffusionMaskingSchema.parse({})),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.biglm.splitLow >= c.biglm.splitHigh) {
      ctx.addIssue({
        code: 'custom',
        path: ['biglm', 'splitLow'],
        message: `splitLow (${c.biglm.splitLow}) must be below splitHigh (${c.biglm.splitHigh})`,
      });
    }
    if (c.bert.replaceMask + c.bert.replaceRandom > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['bert', 'replaceRandom'],
        message: `replaceMask + replaceRandom must be ≤ 1 (got ${c.bert.replaceMask + c.bert.replaceRandom})`,
      });
    }
  });

export type MaskConfig = z.infer<typeof maskConfigSchema>;

/** Resolve a (partial) config, naming every bad field in one error. */
export function resolveMaskConfig(input: unknown): MaskConfig {
  const parsed = maskConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid mask config:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
