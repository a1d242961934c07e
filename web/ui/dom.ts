/**
 * Tiny DOM helpers. Strings always become text nodes (never HTML): titles and ids from a
 * user's file are shown exactly as written, so `<img onerror=…>` in a title is just text.
 */

/** Attributes and properties of {@link el}. */
export interface ElOptions {
  /** CSS class names. */
  class?: string;
  /** Plain attributes (set with setAttribute, so never parsed as HTML). */
  attrs?: Record<string, string>;
  /** CSS custom properties, e.g. `{ '--c': '#f00' }` (set through CSSOM, allowed by the CSP). */
  vars?: Record<string, string>;
}

/** Creates an element; string children are appended as text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElOptions | null, ...children: (Node | string | number | null | undefined)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts?.class) e.className = opts.class;
  if (opts?.attrs) for (const [k, v] of Object.entries(opts.attrs)) e.setAttribute(k, v);
  if (opts?.vars) for (const [k, v] of Object.entries(opts.vars)) e.style.setProperty(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(typeof c === 'number' ? String(c) : c);
  return e;
}

/** Looks an element up by id, failing loudly when the page and the code disagree. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from the page`);
  return e as T;
}

/** Shows a message in an alert element (or hides it for `null`). */
export function showError(target: HTMLElement, error: unknown): void {
  if (error === null) {
    target.hidden = true;
    target.textContent = '';
    return;
  }
  const e = error as { message?: string; code?: string };
  target.textContent = e?.code ? `${e.message} (${e.code})` : String(e?.message ?? error);
  target.hidden = false;
}

/** Formats a number with a few significant digits. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toLocaleString('en');
}
