// AdamW with decoupled weight decay (tfjs has Adam but no AdamW) and global-norm gradient clipping.
// State (m, v, step) is plain named tensors so checkpoints can save it and resume bit-exactly.

import * as tf from '@tensorflow/tfjs';
import type { OptimConfig } from './config.js';
import { decays, type Params } from './biglm.js';

/** Global L2 norm of the gradients (a scalar tensor; NaN or Infinity when any gradient is). */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  // A chain of adds, not tf.addN: WebGPU's AddN binds every input to one shader, and a model has more
  // parameters than a device's storage-buffer limit per shader stage (8 by default). Same summation order.
  return tf.tidy(() => tf.sqrt(Object.values(grads).map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))) as tf.Scalar);
}

/** How many parameter values are NaN or ±Infinity (a scalar tensor). */
export function nonFiniteCount(params: Iterable<tf.Tensor>): tf.Scalar {
  return tf.tidy(() => [...params].map((p) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(p)), 'float32'))).reduce((a, b) => tf.add(a, b)) as tf.Scalar);
}

export class AdamW {
  /** Optimizer steps taken so far (bias correction uses step + 1). */
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Params,
    private readonly cfg: OptimConfig,
  ) {
    for (const [name, p] of params) {
      // Inside tidy: the zeros the variables start from are freed once the variables hold them.
      this.m.set(name, tf.tidy(() => tf.variable(tf.zeros(p.shape), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zeros(p.shape), false)));
    }
  }

  /**
   * Clips the gradients to cfg.gradClip global norm, then applies one AdamW update at learning rate lr.
   * Returns the global gradient norm before clipping as a scalar tensor, which the caller reads (together
   * with the loss: one device-to-host read per step, none in between on a GPU) and disposes. Disposes
   * nothing else it did not create.
   */
  apply(grads: tf.NamedTensorMap, lr: number, norm?: tf.Scalar): tf.Scalar {
    // tf.variableGrads keys gradients by the variables' (instance-suffixed) names.
    const { beta1, beta2, eps, weightDecay, gradClip } = this.cfg;
    const t = this.step + 1;
    const bc1 = 1 - Math.pow(beta1, t);
    const bc2 = 1 - Math.pow(beta2, t);
    const gradNorm = norm ?? globalNorm(grads);
    // The clip factor stays on the device: 1 (an exact no-op multiply) unless the norm exceeds gradClip.
    const scale = gradClip > 0 ? tf.tidy(() => tf.where(tf.greater(gradNorm, gradClip), tf.div(gradClip, tf.add(gradNorm, 1e-6)), tf.onesLike(gradNorm))) : null;
    // One tidy per parameter: temporaries of a large matrix are freed before the next one's are made.
    for (const [name, p] of this.params) {
      const g0 = grads[p.name];
      if (!g0) throw new Error(`no gradient for parameter '${name}'`);
      tf.tidy(() => {
        const g = scale ? tf.mul(g0, scale) : g0;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        // update = m̂ / (√v̂ + ε), with the bias corrections folded into scalars.
        let update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        if (weightDecay > 0 && decays(name, p.shape)) update = tf.add(update, tf.mul(p, weightDecay));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      });
    }
    scale?.dispose();
    this.step++;
    return gradNorm;
  }

  /** Restores m, v and the step count from a checkpoint (same parameter names and shapes). */
  load(step: number, m: Map<string, Float32Array>, v: Map<string, Float32Array>): void {
    for (const [name, p] of this.params) {
      const mv = m.get(name);
      const vv = v.get(name);
      if (!mv || !vv) throw new Error(`optimizer state lacks '${name}'`);
      tf.tidy(() => {
        this.m.get(name)!.assign(tf.tensor(mv, p.shape));
        this.v.get(name)!.assign(tf.tensor(vv, p.shape));
      });
    }
    this.step = step;
  }

  dispose(): void {
    tf.dispose([...this.m.values(), ...this.v.values()]);
  }
}
