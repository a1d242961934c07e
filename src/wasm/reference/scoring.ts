/**
 * The reference scoring kernels: every row's score against one vector, and the k best rows
 * per query (exclusions, candidate lists and biases; NaN skipped; ties to the lower row).
 */
import type { KernelExports } from '../abi.js';
import type { MemoryViews } from './views.js';

/** The scoring family of the reference kernels. */
export function referenceScoringKernels({ F, F32, I }: MemoryViews): Pick<KernelExports, 'scoreRows' | 'topKRows'> {
  return {
    scoreRows(Y, n, f, x, out) {
      const M = F();
      const V = F32();
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let a = 0; a < f; a++) s += M[(Y >>> 3) + i * f + a] * M[(x >>> 3) + a];
        M[(out >>> 3) + i] = s;
      }
    },

    topKRows(Q, b, T, f, list, m, qConst, tBias, exPtr, exIdx, common, nCommon, k, outIdx, outVal, outCount, scores, n) {
      const M = F();
      const N = I();
      const commonRows = new Set(N.subarray(common >>> 2, (common >>> 2) + nCommon));
      for (let q = 0; q < b; q++) {
        const excluded = new Set(exPtr ? N.subarray((exIdx >>> 2) + N[(exPtr >>> 2) + q], (exIdx >>> 2) + N[(exPtr >>> 2) + q + 1]) : []);
        const kept: { t: number; s: number }[] = [];
        for (let p = 0; p < m; p++) {
          const t = list ? N[(list >>> 2) + p] : p;
          let s = 0;
          for (let a = 0; a < f; a++) s += M[(T >>> 3) + t * f + a] * M[(Q >>> 3) + q * f + a];
          if (tBias) s += M[(qConst >>> 3) + q] + M[(tBias >>> 3) + t];
          if (scores) M[(scores >>> 3) + q * n + t] = s;
          if (!Number.isNaN(s) && !excluded.has(t) && !commonRows.has(t)) kept.push({ t, s });
        }
        kept.sort((x, y) => (y.s > x.s ? 1 : y.s < x.s ? -1 : x.t - y.t));
        const top = kept.slice(0, k);
        top.forEach((e, j) => {
          N[(outIdx >>> 2) + q * k + j] = e.t;
          M[(outVal >>> 3) + q * k + j] = e.s;
        });
        N[(outCount >>> 2) + q] = top.length;
      }
    },
  };
}
