/**
 * The first two principal components of the item factors Y (n×f, row-major), for the 2-D map.
 * Covariance C = (Y − ȳ)ᵀ(Y − ȳ)/n (f×f, one pass, n·f²), then power iteration with deflation:
 * exact enough for a picture and deterministic (fixed start vector).
 * see: Golub & Van Loan, "Matrix Computations", §8.2 (power method, deflation).
 */

/** Result of {@link pca2}. */
export interface Pca2 {
  /** n×2 coordinates, row-major. */
  coords: Float64Array;
  /** The two largest eigenvalues of the covariance (variance along each axis). */
  variance: [number, number];
  /** Share of the total variance the two axes explain (0…1). */
  explained: number;
}

/**
 * Projects the rows of Y on their first two principal components.
 * @param Y - n×f row-major factors
 * @param n - rows
 * @param f - columns
 */
export function pca2(Y: Float64Array, n: number, f: number): Pca2 {
  const mean = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += Y[i * f + j] / n;
  const C = new Float64Array(f * f);
  const row = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) row[j] = Y[i * f + j] - mean[j];
    for (let a = 0; a < f; a++) {
      const ra = row[a] / n;
      for (let b = a; b < f; b++) C[a * f + b] += ra * row[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < f; a++) {
    trace += C[a * f + a];
    for (let b = 0; b < a; b++) C[a * f + b] = C[b * f + a];
  }
  const v1 = topEigenvector(C, f, null);
  const l1 = rayleigh(C, f, v1);
  const v2 = topEigenvector(C, f, v1);
  const l2 = rayleigh(C, f, v2);
  const coords = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let p = 0;
    let q = 0;
    for (let j = 0; j < f; j++) {
      const d = Y[i * f + j] - mean[j];
      p += d * v1[j];
      q += d * v2[j];
    }
    coords[2 * i] = p;
    coords[2 * i + 1] = q;
  }
  return { coords, variance: [l1, l2], explained: trace > 0 ? (l1 + l2) / trace : 0 };
}

/** Power iteration for the top eigenvector of symmetric C, orthogonal to `not` when given. */
function topEigenvector(C: Float64Array, f: number, not: Float64Array | null): Float64Array {
  let v = new Float64Array(f);
  for (let j = 0; j < f; j++) v[j] = 1 + j / f; // fixed, generic start: deterministic maps
  let w = new Float64Array(f);
  for (let it = 0; it < 500; it++) {
    if (not) deflate(v, not);
    normalise(v);
    w.fill(0);
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += C[a * f + b] * v[b];
      w[a] = s;
    }
    if (not) deflate(w, not);
    if (normalise(w) === 0) return v;
    let change = 0;
    for (let j = 0; j < f; j++) change = Math.max(change, Math.abs(w[j] - v[j]));
    [v, w] = [w, v];
    if (change < 1e-10) break;
  }
  return v;
}

function deflate(v: Float64Array, u: Float64Array): void {
  let d = 0;
  for (let j = 0; j < v.length; j++) d += v[j] * u[j];
  for (let j = 0; j < v.length; j++) v[j] -= d * u[j];
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  const norm = Math.sqrt(s);
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm;
  return norm;
}

function rayleigh(C: Float64Array, f: number, v: Float64Array): number {
  let s = 0;
  for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) s += v[a] * C[a * f + b] * v[b];
  return s;
}
