/**
 * Textbook conjugate gradient on plain arrays, shared by the reference CG row solvers
 * (implicit and explicit).
 */

/** Σ a[j]·b[j]. */
export function dot(a: number[], b: number[]): number {
  return a.reduce((s, v, j) => s + v * b[j], 0);
}

/**
 * Textbook conjugate gradient: up to `steps` steps on A·x = b from x (updated in place), with
 * r = b − A·x on entry (updated too). Stops early once ‖r‖² < 1e-20, as the kernels do.
 * @returns false when pᵀAp ≤ 0 (A is not positive definite)
 */
export function conjugateGradient(applyA: (v: number[]) => number[], x: number[], r: number[], steps: number): boolean {
  let p = r.slice();
  let rsold = dot(r, r);
  for (let it = 0; it < steps; it++) {
    if (rsold < 1e-20) break;
    const Ap = applyA(p);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) return false;
    const alpha = rsold / pAp;
    for (let a = 0; a < x.length; a++) {
      x[a] += alpha * p[a];
      r[a] -= alpha * Ap[a];
    }
    const rsnew = dot(r, r);
    p = r.map((v, a) => v + (rsnew / rsold) * p[a]);
    rsold = rsnew;
  }
  return true;
}
