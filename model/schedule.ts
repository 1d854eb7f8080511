// Learning-rate schedule: linear warmup to the peak, then cosine decay to minLr. A pure function of the step.

export interface ScheduleConfig {
  lr: number;
  minLr: number;
  warmupSteps: number;
}

/** Learning rate for optimizer step `step` (0-based) of `totalSteps`. */
export function learningRate(step: number, totalSteps: number, s: ScheduleConfig): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const decaySteps = Math.max(1, totalSteps - s.warmupSteps);
  const progress = Math.min(1, (step - s.warmupSteps) / decaySteps);
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
