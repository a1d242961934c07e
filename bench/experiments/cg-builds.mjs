// The core of bench/experiments/cg-gather32.mjs, shared by its Node run and its Chromium page
// (kernel-builds.html): the MovieLens-1M-shaped problem, one instance per kernel build, and the
// alternating rounds. No Node or DOM APIs here.

/**
 * @param {{ lib: any, builds: { label: string, bytes: BufferSource }[], rounds?: number, steps?: number, best?: boolean, log?: (s: string) => void }} o -
 *   `lib`: the library (generateSynthetic, buildMatrix); `builds[0]` is the reference build ('now'), whose f64 result the others are compared with
 * @returns {Promise<string>} a Markdown table
 */
export async function compareBuilds({ lib, builds, rounds = 7, steps = 3, best = false, log = () => {} }) {
  const f = 64;
  const median = best ? (a) => Math.min(...a) : (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const matrix = lib.buildMatrix(lib.generateSynthetic({ users: 6040, items: 3706, interactions: 1_000_000, rank: 16, feedback: 'explicit', seed: 1 }), { duplicates: 'sum' });
  /** Rows renumbered by descending count, columns by the other side's numbering (as layout.ts does). */
  function heavyFirst(csr) {
    const order = Int32Array.from({ length: csr.rows }, (_, i) => i).sort((a, b) => csr.indptr[b + 1] - csr.indptr[b] - (csr.indptr[a + 1] - csr.indptr[a]) || a - b);
    const rank = new Int32Array(csr.rows);
    order.forEach((r, i) => (rank[r] = i));
    return { order, rank };
  }
  const U = heavyFirst(matrix.byUser);
  const I = heavyFirst(matrix.byItem);
  function side(csr, rows, colRank) {
    const indptr = new Int32Array(csr.rows + 1);
    const indices = new Int32Array(csr.indptr[csr.rows]);
    const conf = new Float32Array(indices.length);
    for (let i = 0; i < csr.rows; i++) {
      const r = rows.order[i];
      const a = csr.indptr[r];
      const n = csr.indptr[r + 1] - a;
      const pairs = Array.from({ length: n }, (_, k) => [colRank[csr.indices[a + k]], csr.values[a + k]]).sort((x, y) => x[0] - y[0]);
      pairs.forEach(([c, v], k) => ((indices[indptr[i] + k] = c), (conf[indptr[i] + k] = 1 + Math.log1p(v))));
      indptr[i + 1] = indptr[i] + n;
    }
    return { rows: csr.rows, indptr, indices, conf, longest: Math.max(...Array.from({ length: csr.rows }, (_, i) => indptr[i + 1] - indptr[i])) };
  }
  const users = side(matrix.byUser, U, I.rank);
  const items = side(matrix.byItem, I, U.rank);
  const m = users.rows;
  const n = items.rows;

  /** One kernel build with the problem laid out in its own memory. */
  async function instance(bytes, hasCopy) {
    const memory = new WebAssembly.Memory({ initial: 2000, maximum: 65536 });
    const K = (await WebAssembly.instantiate(bytes, { env: { memory } })).instance.exports;
    let top = 1 << 16;
    const alloc = (b) => ((top = (top + 63) & ~63), (top += b), top - b);
    const put = (arr) => {
      const p = alloc(arr.byteLength);
      new Uint8Array(memory.buffer, p, arr.byteLength).set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
      return p;
    };
    const lay = (s) => ({ indptr: put(s.indptr), indices: put(s.indices), conf: put(s.conf) });
    const u = lay(users);
    const it = lay(items);
    const X = alloc(8 * m * f);
    const Y = alloc(8 * n * f);
    const G = alloc(8 * f * f);
    const Y32 = alloc(4 * Math.max(m, n) * ((f + 3) & ~3));
    const loss = alloc(16);
    const scratch = alloc(K.scratchBytesCG(f, Math.max(users.longest, items.longest)) + 64);
    const F = () => new Float64Array(memory.buffer);
    const solve = (out, other, rows, s, mode, lossOut) => {
      const t = performance.now();
      K.gramian(other, rows === m ? n : m, f, G);
      if (hasCopy && mode !== 0) K.toF32Rows(other, rows === m ? n : m, f, Y32);
      const st = hasCopy
        ? K.solveImplicitRowsCG(out, other, G, s.indptr, s.indices, s.conf, f, 0.05, steps, 0, rows, scratch, lossOut, mode, Y32)
        : K.solveImplicitRowsCG(out, other, G, s.indptr, s.indices, s.conf, f, 0.05, steps, 0, rows, scratch, lossOut, mode);
      if (st !== -1) throw new Error('not PD');
      return (performance.now() - t) / 1000;
    };
    return {
      K,
      set(x, y) {
        F().set(x, X / 8);
        F().set(y, Y / 8);
      },
      get: () => [F().slice(X / 8, X / 8 + m * f), F().slice(Y / 8, Y / 8 + n * f)],
      /** One iteration (users, then items with the loss); seconds of each half-step. */
      iterate(mode) {
        return [solve(X, Y, m, u, mode, 0), solve(Y, X, n, it, mode, loss)];
      },
      loss: () => F()[loss / 8],
    };
  }

  const rnd = (() => {
    let s = 7;
    return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  })();
  const init = (rows) => {
    const a = new Float64Array(rows * f);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += (a[r * f + j] = rnd() + 1e-3) ** 2;
      for (let j = 0; j < f; j++) a[r * f + j] /= Math.sqrt(s);
    }
    return a;
  };
  const fresh = await instance(builds[0].bytes, true);
  fresh.set(init(m), init(n));
  for (let k = 0; k < 3; k++) fresh.iterate(0);
  const [X0, Y0] = fresh.get();

  const variants = [{ name: `${builds[0].label}: f64 (0)`, rt: fresh, mode: 0 }, { name: `${builds[0].label}: mixed (2)`, rt: fresh, mode: 2 }, { name: `${builds[0].label}: f32 copy, f64 sums (1)`, rt: fresh, mode: 1 }];
  for (const { label, bytes } of builds.slice(1)) {
    const probe = await instance(bytes, false);
    const rt = 'toF32Rows' in probe.K ? await instance(bytes, true) : probe;
    variants.push({ name: `${label}: f64 (0)`, rt, mode: 0 }, { name: `${label}: mixed (2)`, rt, mode: 2 });
  }
  const times = variants.map(() => ({ users: [], items: [] }));
  const out = variants.map(() => null);
  for (let r = 0; r < rounds; r++) {
    log(`round ${r + 1}/${rounds}`);
    variants.forEach((v, k) => {
      v.rt.set(X0, Y0);
      const [a, b] = v.rt.iterate(v.mode);
      times[k].users.push(a);
      times[k].items.push(b);
      out[k] = [...v.rt.get(), v.rt.loss()];
    });
  }
  const dist = (a, b) => {
    let num = 0, den = 0;
    for (let j = 0; j < a.length; j++) (num += (a[j] - b[j]) ** 2), (den += b[j] ** 2);
    return Math.sqrt(num / den);
  };
  const lines = [];
  lines.push(`| build: precision | users s | items s | iteration s | ‖ΔX‖/‖X‖ vs f64 | ‖ΔY‖/‖Y‖ vs f64 | loss share rel. vs f64 |`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  variants.forEach((v, k) => {
    const [us, is] = [median(times[k].users), median(times[k].items)];
    lines.push(`| ${v.name} | ${us.toFixed(4)} | ${is.toFixed(4)} | ${(us + is).toFixed(4)} | ${dist(out[k][0], out[0][0]).toExponential(1)} | ${dist(out[k][1], out[0][1]).toExponential(1)} | ${(Math.abs(out[k][2] - out[0][2]) / Math.abs(out[0][2])).toExponential(1)} |`);
  });
  return lines.join('\n');
}
