// Scoring for recommendation: every item's predicted preference for one user.
import { dot } from './vec';

/** out[i] = y_iᵀ x for the n rows of Y (stride f). */
export function scoreRows(Y: usize, n: i32, f: i32, x: usize, out: usize): void {
  const fBytes = <usize>f << 3;
  let y = Y;
  for (let i = 0; i < n; i++) {
    store<f64>(out + (<usize>i << 3), dot(y, x, f));
    y += fBytes;
  }
}
