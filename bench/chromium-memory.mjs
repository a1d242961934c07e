// Memory of a headless Chromium launched by playwright-core, from /proc: the processes whose
// command line names our fresh profile directory, and their descendants. A dedicated worker
// runs inside its page's renderer process, so the tab = its renderer.
import { readdirSync, readFileSync } from 'node:fs';

function read(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** The Chromium processes of the browser using `profile`: pid, type (`browser`, `renderer`, `gpu-process`, …), VmRSS and VmHWM. */
export function chromiumProcesses(profile) {
  const all = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const status = read(d, 'status');
    if (!status) continue;
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const cmd = read(d, 'cmdline').split('\0');
    all.push({ pid: Number(d), ppid, cmd, rss: kb('VmRSS'), hwm: kb('VmHWM') });
  }
  const mine = new Set(all.filter((p) => p.cmd.some((a) => a.includes(profile))).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!mine.has(p.pid) && mine.has(p.ppid)) (mine.add(p.pid), (grew = true));
  }
  return all
    .filter((p) => mine.has(p.pid))
    .map((p) => ({ pid: p.pid, type: /--type=([\w-]+)/.exec(p.cmd.join(' '))?.[1] ?? 'browser', rss: p.rss, hwm: p.hwm }));
}

/** Samples every `ms`: the peak Σ VmRSS over all of the browser's processes, and per process the last VmHWM seen. */
export function sampleChromiumMemory(profile, ms = 250) {
  let peakTotal = 0;
  const hwm = new Map();
  const tick = () => {
    const ps = chromiumProcesses(profile);
    peakTotal = Math.max(peakTotal, ps.reduce((s, p) => s + p.rss, 0));
    for (const p of ps) hwm.set(p.pid, { type: p.type, hwm: Math.max(p.hwm, hwm.get(p.pid)?.hwm ?? 0) });
  };
  const timer = setInterval(tick, ms);
  return {
    /** Stops sampling; returns the peaks in bytes. */
    stop() {
      tick();
      clearInterval(timer);
      const renderers = [...hwm.values()].filter((p) => p.type === 'renderer').map((p) => p.hwm);
      const browser = [...hwm.values()].filter((p) => p.type === 'browser').map((p) => p.hwm);
      return { peakTotalRss: peakTotal, tabRendererHwm: Math.max(0, ...renderers), browserHwm: Math.max(0, ...browser), processes: hwm.size };
    },
  };
}
