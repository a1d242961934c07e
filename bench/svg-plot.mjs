// A small line-plot generator for the scaling figures: log–log axes with decade (and 2, 5)
// ticks, labelled axes, a legend, markers, and dashed guide lines (e.g. "∝ f²"). Plain SVG text,
// no dependencies.

const W = 720;
const H = 440;
const M = { left: 78, right: 190, top: 44, bottom: 58 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (v >= 1e6 ? `${+(v / 1e6).toPrecision(3)} M` : v >= 1e3 ? `${+(v / 1e3).toPrecision(3)} k` : `${+v.toPrecision(3)}`);

/** Log-scale ticks covering [lo, hi]: 1, 2, 5 × 10^k (only decades when the range is wide). */
function ticks(lo, hi) {
  const out = [];
  const wide = Math.log10(hi / lo) > 3;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of wide ? [1] : [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

/**
 * @param {{ title: string, xLabel: string, yLabel: string, series: { name: string, points: [number, number][] }[],
 *           guides?: { name: string, points: [number, number][] }[], xTicks?: number[] }} plot
 * @returns {string} the SVG document
 */
export function logLogPlot(plot) {
  const all = [...plot.series, ...(plot.guides ?? [])].flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((y) => y > 0);
  const x0 = Math.min(...xs) / 1.15;
  const x1 = Math.max(...xs) * 1.15;
  const yLo = Math.min(...ys) / 1.5;
  const yHi = Math.max(...ys) * 1.5;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (v) => M.left + (pw * Math.log(v / x0)) / Math.log(x1 / x0);
  const Y = (v) => M.top + ph - (ph * Math.log(v / yLo)) / Math.log(yHi / yLo);
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${M.left + pw / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(plot.title)}</text>`);
  // Grid and ticks.
  for (const t of plot.xTicks ?? ticks(x0, x1)) {
    o.push(`<line x1="${X(t).toFixed(1)}" y1="${M.top}" x2="${X(t).toFixed(1)}" y2="${M.top + ph}" stroke="#e5e5e5"/>`);
    o.push(`<text x="${X(t).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(yLo, yHi)) {
    o.push(`<line x1="${M.left}" y1="${Y(t).toFixed(1)}" x2="${M.left + pw}" y2="${Y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    o.push(`<text x="${M.left - 8}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  o.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  o.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(plot.xLabel)} (log scale)</text>`);
  o.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(plot.yLabel)} (log scale)</text>`);
  // Lines.
  const path = (pts) => pts.map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
  let ly = M.top + 10;
  const legend = (name, color, dash) => {
    o.push(`<line x1="${M.left + pw + 14}" y1="${ly}" x2="${M.left + pw + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    o.push(`<text x="${M.left + pw + 46}" y="${ly + 4}">${esc(name)}</text>`);
    ly += 20;
  };
  const DASHES = ['6,4', '2,3', '10,3,2,3'];
  (plot.guides ?? []).forEach((g, k) => {
    const d = DASHES[k % DASHES.length];
    o.push(`<path d="${path(g.points)}" fill="none" stroke="#888" stroke-width="1.2" stroke-dasharray="${d}"/>`);
    legend(g.name, '#888', d);
  });
  plot.series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length];
    o.push(`<path d="${path(s.points)}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const p of s.points) o.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3.5" fill="${c}"/>`);
    legend(s.name, c, false);
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
