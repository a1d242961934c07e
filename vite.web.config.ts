/**
 * The demo page (web/): `vite --config vite.web.config.ts` serves it, `vite build --config
 * vite.web.config.ts` writes a static build to web-dist/ that works from any static host
 * (relative asset URLs). The root vite.config.ts keeps the test projects.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('./web', import.meta.url));

/** The page's Content-Security-Policy, read from its <meta> so the header and the meta never disagree. */
export const contentSecurityPolicy = (() => {
  const html = readFileSync(`${webRoot}/index.html`, 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  if (!meta) throw new Error('web/index.html has no Content-Security-Policy meta');
  // frame-ancestors only works as a header.
  return `${meta[1]}; frame-ancestors 'none'`;
})();

/** Cross-origin isolation (SharedArrayBuffer for parallel sweeps) plus the CSP. */
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
};

export default defineConfig({
  root: webRoot,
  base: './',
  publicDir: false,
  server: { headers, host: '127.0.0.1' },
  preview: { headers, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./web-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script> or data: module preloads: the CSP allows neither.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
