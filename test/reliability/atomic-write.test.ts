/**
 * Issue 14, item 3: `writeFileAtomic` (src/io/atomic-write.ts) when the disk fails at each step —
 * the write (ENOSPC, as on a full disk), the fsync (EIO) or the rename — leaves the previous
 * file byte-identical and no temporary file. The failures are injected by mocking node:fs/promises.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

type Step = 'write' | 'sync' | 'rename' | undefined;
const inject: { step: Step } = { step: undefined };

const fail = (code: string) => Object.assign(new Error(`${code}: injected failure`), { code });

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args);
      if (args[1] !== 'wx') return fh;
      // The temporary file: fail its write half-way, or its fsync.
      return new Proxy(fh, {
        get(target, prop, receiver) {
          if (prop === 'write' && inject.step === 'write') {
            return async (buf: Uint8Array, offset: number, length: number) => {
              await target.write(buf, offset, Math.floor(length / 2));
              throw fail('ENOSPC');
            };
          }
          if (prop === 'sync' && inject.step === 'sync') return async () => Promise.reject(fail('EIO'));
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (inject.step === 'rename') throw fail('EXDEV');
      return real.rename(...args);
    },
  };
});

const { writeFileAtomic, isSameFile } = await import('../../src/io/atomic-write.js');

describe('writeFileAtomic (issue 14, item 3)', () => {
  afterEach(() => {
    inject.step = undefined;
  });

  it.each<Step>(['write', 'sync', 'rename'])('a failure at the %s step leaves the previous file intact and no temporary file', async (step) => {
    const dir = mkdtempSync(join(tmpdir(), 'als-atomic-'));
    const target = join(dir, 'model.alsm');
    writeFileSync(target, 'the previous good model');
    inject.step = step;
    await expect(writeFileAtomic(target, new Uint8Array(100_000).fill(7))).rejects.toMatchObject({ code: { write: 'ENOSPC', sync: 'EIO', rename: 'EXDEV' }[step!] });
    expect(readFileSync(target, 'utf8')).toBe('the previous good model');
    expect(readdirSync(dir)).toEqual(['model.alsm']);
  });

  it('writes the new bytes whole when nothing fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'als-atomic-'));
    const target = join(dir, 'model.alsm');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['model.alsm']);
    expect(await isSameFile(target, join(dir, '.', 'model.alsm'))).toBe(true);
    expect(await isSameFile(target, join(dir, 'other'))).toBe(false);
  });
});
