import type { ItemInfo } from '../data/titles.js';

/** A point of the map. */
export interface MapPoint {
  /** Item id. */
  id: string;
  /** First principal component. */
  x: number;
  /** Second principal component. */
  y: number;
}

/** Colour of a genre: a fixed palette in genre order (20 colours: u.item's 19 genres each get their own), grey for unknown. */
export function genreColour(genre: string, genres: string[]): string {
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#7f7f7f', '#aec7e8', '#ff9896', '#98df8a', '#ffbb78', '#c5b0d5', '#c49c94', '#f7b6d2', '#9edae5', '#dbdb8d'];
  const k = genres.indexOf(genre);
  return k < 0 ? '#9aa0a6' : palette[k % palette.length];
}

/**
 * Scatter plot of items on a canvas, coloured by genre; hovering (or arrow keys when focused)
 * shows the title as text in a tooltip; click or Enter picks the item.
 */
export class ItemMap {
  private points: MapPoint[] = [];
  private px: Float64Array = new Float64Array(0);
  private focus = -1;
  /** Called with an item id when a point is picked. */
  onPick: (id: string) => void = () => {};

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly tip: HTMLElement,
    private info: (id: string) => ItemInfo | undefined,
    private genres: string[],
  ) {
    canvas.addEventListener('mousemove', (e) => this.hover(this.nearest(e.offsetX, e.offsetY)));
    canvas.addEventListener('mouseleave', () => this.hover(-1));
    canvas.addEventListener('click', (e) => {
      const k = this.nearest(e.offsetX, e.offsetY);
      if (k >= 0) this.onPick(this.points[k].id);
    });
    canvas.addEventListener('keydown', (e) => {
      if (this.points.length === 0) return;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') this.hover((this.focus + 1) % this.points.length);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') this.hover((this.focus - 1 + this.points.length) % this.points.length);
      else if (e.key === 'Enter' && this.focus >= 0) this.onPick(this.points[this.focus].id);
      else return;
      e.preventDefault();
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Replaces the points (and the id → title/genre lookup). */
  setPoints(points: MapPoint[], info: (id: string) => ItemInfo | undefined, genres: string[]): void {
    this.points = points;
    this.info = info;
    this.genres = genres;
    this.focus = -1;
    this.draw();
  }

  private draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 520;
    const h = c.clientHeight || 380;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pts = this.points;
    this.px = new Float64Array(2 * pts.length);
    if (pts.length === 0) return;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of pts) {
      x0 = Math.min(x0, p.x);
      x1 = Math.max(x1, p.x);
      y0 = Math.min(y0, p.y);
      y1 = Math.max(y1, p.y);
    }
    const pad = 14;
    const sx = (w - 2 * pad) / (x1 - x0 || 1);
    const sy = (h - 2 * pad) / (y1 - y0 || 1);
    g.strokeStyle = '#e3e6ea';
    g.beginPath();
    g.moveTo(pad + (0 - x0) * sx, pad);
    g.lineTo(pad + (0 - x0) * sx, h - pad);
    g.moveTo(pad, h - pad - (0 - y0) * sy);
    g.lineTo(w - pad, h - pad - (0 - y0) * sy);
    g.stroke();
    pts.forEach((p, k) => {
      const X = pad + (p.x - x0) * sx;
      const Y = h - pad - (p.y - y0) * sy;
      this.px[2 * k] = X;
      this.px[2 * k + 1] = Y;
      g.fillStyle = genreColour(this.info(p.id)?.genre ?? '', this.genres);
      g.globalAlpha = 0.8;
      g.beginPath();
      g.arc(X, Y, k === this.focus ? 6 : 3.5, 0, 2 * Math.PI);
      g.fill();
    });
    g.globalAlpha = 1;
  }

  private nearest(x: number, y: number): number {
    let best = -1;
    let bestD = 12 * 12;
    for (let k = 0; k < this.points.length; k++) {
      const d = (this.px[2 * k] - x) ** 2 + (this.px[2 * k + 1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private hover(k: number): void {
    this.focus = k;
    this.draw();
    if (k < 0) {
      this.tip.hidden = true;
      return;
    }
    const p = this.points[k];
    const info = this.info(p.id);
    // Every genre of the film (it is coloured by its first).
    const genres = info?.genres?.join(', ') ?? info?.genre;
    this.tip.textContent = info ? `${info.title}${genres ? ` · ${genres}` : ''}` : p.id;
    this.tip.style.left = `${Math.min(this.px[2 * k] + 10, (this.canvas.clientWidth || 520) - 160)}px`;
    this.tip.style.top = `${this.px[2 * k + 1] + 10}px`;
    this.tip.hidden = false;
  }
}
