/**
 * Read-only views of a running training's factors, in place in its WASM memory: what an
 * iteration observer (held-out validation) scores, with the bits a model of these factors gives.
 */
import type { KernelRuntime } from '../wasm/kernels.js';
import type { FactorView, Factors } from './factors.js';
import type { Layout } from './layout.js';
import { unpermuteRows } from './locality.js';

/**
 * Makes the views of one run. Reserves the n scores that {@link FactorView.scoreUser} writes, once
 * per run, after the layout (so the views' arrays stay attached while an observer reads them).
 */
export function factorViews(rt: KernelRuntime, L: Layout): (restart: number, iteration: number) => FactorView {
  const { m, n, f, userRank, itemRank, biases, globalMean } = L;
  const scoresPtr = rt.arena.alloc(8 * n);
  return (restart, iteration) => {
    const X = rt.arena.f64(L.X, m * f);
    const Y = rt.arena.f64(L.Y, n * f);
    const bu = biases ? rt.arena.f64(L.bu, m) : undefined;
    const bi = biases ? rt.arena.f64(L.bi, n) : undefined;
    const scores = rt.arena.f64(scoresPtr, n);
    return {
      restart,
      iteration,
      users: m,
      items: n,
      // As AlsModel.predictIndex, on the inside rows: the same terms in the same order.
      predict(u: number, i: number): number {
        const ru = userRank[u] * f;
        const ri = itemRank[i] * f;
        let s = globalMean + (bu ? bu[userRank[u]] : 0) + (bi ? bi[itemRank[i]] : 0);
        for (let j = 0; j < f; j++) s += X[ru + j] * Y[ri + j];
        return s;
      },
      // As AlsModel.scoreUser: the kernels' Y·x (x read in place), then the biases.
      scoreUser(u: number, out: Float64Array): void {
        rt.exports.scoreRows(L.Y, n, f, L.X + 8 * f * userRank[u], scoresPtr);
        if (bi) {
          const c = globalMean + bu![userRank[u]];
          for (let i = 0; i < n; i++) out[i] = scores[itemRank[i]] + (c + bi[itemRank[i]]);
        } else {
          for (let i = 0; i < n; i++) out[i] = scores[itemRank[i]];
        }
      },
      copy: () => currentFactors(rt, L),
    };
  };
}

/** Copies of the current factors, in the caller's row numbering. */
export function currentFactors(rt: KernelRuntime, L: Layout): Factors {
  const { m, n, f, userOrder, itemOrder, biases } = L;
  return {
    factors: f,
    userFactors: unpermuteRows(rt.arena.f64(L.X, m * f), userOrder, f),
    itemFactors: unpermuteRows(rt.arena.f64(L.Y, n * f), itemOrder, f),
    userBiases: biases ? unpermuteRows(rt.arena.f64(L.bu, m), userOrder, 1) : undefined,
    itemBiases: biases ? unpermuteRows(rt.arena.f64(L.bi, n), itemOrder, 1) : undefined,
    globalMean: L.globalMean,
  };
}
