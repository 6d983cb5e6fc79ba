// Llama 2's binary ranking loss with margin, −log σ(r_c − r_r − m), written as softplus(−x): the
// same function, but tf.logSigmoid throws inside optimizer.minimize on tfjs 4.22 while softplus
// has a gradient on every backend.
import type * as tfTypes from "@tensorflow/tfjs";
import { marginOf, type MarginKind, type Strength } from "../../server/preferences/vocabulary";

/** log(1 + e^x) without overflow for large |x|. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** −log σ(scoreChosen − scoreRejected − margin) for one pair. */
export function rankingLoss(scoreChosen: number, scoreRejected: number, margin = 0): number {
  return softplus(-(scoreChosen - scoreRejected - margin));
}

/** m(strength) for each pair, as the trainer feeds it to the loss. */
export function marginsOf(strengths: readonly Strength[], kind: MarginKind): Float32Array {
  return Float32Array.from(strengths, (s) => marginOf(s, kind));
}

/** Mean ranking loss over a batch: `diff` = r_c − r_r, `margins` = m(strength), both [batch]. */
export function rankingLossTensor(tf: typeof tfTypes, diff: tfTypes.Tensor1D, margins: tfTypes.Tensor1D): tfTypes.Scalar {
  return tf.mean(tf.softplus(tf.neg(tf.sub(diff, margins)))) as tfTypes.Scalar;
}
