import { describe, expect, it } from 'vitest';
import { learningRate } from '../../model/schedule.js';

describe('the learning-rate schedule', () => {
  const s = { lr: 6e-4, minLr: 6e-5, warmupSteps: 10 };

  it('warms up linearly to the peak', () => {
    expect(learningRate(0, 100, s)).toBeCloseTo(6e-5, 12);
    expect(learningRate(4, 100, s)).toBeCloseTo(3e-4, 12);
    expect(learningRate(9, 100, s)).toBeCloseTo(6e-4, 12);
  });

  it('decays by a cosine to the minimum at the last step and stays there', () => {
    expect(learningRate(10, 100, s)).toBeCloseTo(6e-4, 12);
    expect(learningRate(55, 100, s)).toBeCloseTo((6e-4 + 6e-5) / 2, 12);
    expect(learningRate(100, 100, s)).toBeCloseTo(6e-5, 12);
    expect(learningRate(150, 100, s)).toBeCloseTo(6e-5, 12);
  });
});
