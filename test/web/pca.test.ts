/** The demo map's PCA against known answers. */
import { describe, expect, it } from 'vitest';
import { pca2 } from '../../web/pca.js';
import { Rng } from '../../src/util/rng.js';

describe('pca2', () => {
  it('finds the two directions of largest variance of rotated, axis-scaled data', () => {
    // Rows = z·diag(3, 2, 0.5)·Qᵀ + offset, z standard normal: PCs are Q's columns, variances ≈ 9, 4.
    const n = 4000;
    const f = 3;
    const s = Math.SQRT1_2;
    const Q = [
      [s, s, 0],
      [-s, s, 0],
      [0, 0, 1],
    ]; // columns are the principal directions: (s, −s, 0) with sd 3, (s, s, 0) with sd 2
    const scale = [3, 2, 0.5];
    const rng = new Rng(5);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const Y = new Float64Array(n * f);
    for (let i = 0; i < n; i++) {
      const z = scale.map((c) => c * gauss());
      for (let j = 0; j < f; j++) Y[i * f + j] = 7 + Q[j][0] * z[0] + Q[j][1] * z[1] + Q[j][2] * z[2];
    }
    const { coords, variance, explained } = pca2(Y, n, f);
    expect(variance[0]).toBeGreaterThan(8);
    expect(variance[0]).toBeLessThan(10);
    expect(variance[1]).toBeGreaterThan(3.5);
    expect(variance[1]).toBeLessThan(4.5);
    expect(explained).toBeGreaterThan(0.95);
    // The first coordinate is ± the projection on (s, −s, 0) of the centred row.
    let mean0 = 0;
    let mean1 = 0;
    for (let i = 0; i < n; i++) (mean0 += Y[i * f] / n), (mean1 += Y[i * f + 1] / n);
    const proj = (i: number) => s * (Y[i * f] - mean0) - s * (Y[i * f + 1] - mean1);
    const sign = Math.sign(coords[0] / proj(0));
    // (a sample of 4 000 rows: the estimated direction is off by a few hundredths of a radian)
    for (const i of [0, 1, 17, 999]) expect(Math.abs(coords[2 * i] - sign * proj(i))).toBeLessThan(0.25);
  });

  it('gives coordinates whose variances are the eigenvalues and which are uncorrelated', () => {
    const n = 500;
    const f = 6;
    const rng = new Rng(9);
    const Y = new Float64Array(n * f).map(() => rng.next() * 2 - 1 + (rng.next() < 0.5 ? 1 : 0));
    const { coords, variance } = pca2(Y, n, f);
    let v0 = 0;
    let v1 = 0;
    let c01 = 0;
    for (let i = 0; i < n; i++) (v0 += coords[2 * i] ** 2 / n), (v1 += coords[2 * i + 1] ** 2 / n), (c01 += (coords[2 * i] * coords[2 * i + 1]) / n);
    expect(v0).toBeCloseTo(variance[0], 8);
    expect(v1).toBeCloseTo(variance[1], 8);
    expect(Math.abs(c01)).toBeLessThan(1e-8);
    expect(variance[0]).toBeGreaterThanOrEqual(variance[1]);
  });

  it('is all zeros for identical rows', () => {
    const { coords, explained } = pca2(new Float64Array(12).fill(2), 4, 3);
    expect([...coords]).toEqual(new Array(8).fill(0));
    expect(explained).toBe(0);
  });
});
