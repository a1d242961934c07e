/**
 * `workers` has one rule: an integer in [1, MAX_WORKERS], the same on every machine, said in the
 * same words by the library's BAD_OPTION and the CLI's usage error; a run then starts at most
 * maxWorkers() threads, with a note when it asked for more.
 */
import { describe, expect, it } from 'vitest';
import { resolveTrainOptions } from '../../src/train/options.js';
import { UsageError, workersFlag, type Parsed } from '../../src/cli/args.js';
import { isAlsError } from '../../src/errors.js';
import { checkWorkers, MAX_WORKERS, maxWorkers, threadsFor, WORKERS_RULE } from '../../src/parallel/cores.js';
import { leaseWorkers } from '../../src/parallel/lease.js';

const flag = (value: string): Parsed => ({ command: 'train', positional: [], flags: new Map([['workers', value]]) });
const libraryError = (workers: unknown) => {
  try {
    resolveTrainOptions({ workers } as object, 'implicit');
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('the workers rule', () => {
  it.each([1, 2, maxWorkers(), MAX_WORKERS])('accepts %s in the options, the CLI and the pool', (w) => {
    expect(resolveTrainOptions({ workers: w }, 'implicit').workers).toBe(w);
    expect(workersFlag(flag(String(w)))).toBe(w);
    expect(checkWorkers(w)).toBe(w);
  });

  it.each([0, -1, 1.5, MAX_WORKERS + 1, 999])('refuses %s in the options and the CLI, in the same words', (w) => {
    const e = libraryError(w);
    expect(isAlsError(e) && e.code).toBe('BAD_OPTION');
    expect((e as { details: { allowed: string } }).details).toMatchObject({ option: 'workers', allowed: WORKERS_RULE });
    expect(() => workersFlag(flag(String(w)))).toThrow(UsageError);
    expect(() => workersFlag(flag(String(w)))).toThrow(`--workers must be ${WORKERS_RULE}, got "${w}"`);
  });

  it('refuses a non-number in the options (the CLI refuses it as a number first)', () => {
    expect(isAlsError(libraryError('4')) && (libraryError('4') as { code: string }).code).toBe('BAD_OPTION');
    expect(() => workersFlag(flag('four'))).toThrow(UsageError);
  });

  it('starts at most maxWorkers() threads, with a note only when it clamps', () => {
    expect(threadsFor(1)).toEqual({ threads: 1 });
    expect(threadsFor(maxWorkers())).toEqual({ threads: maxWorkers() });
    const clamped = threadsFor(MAX_WORKERS);
    expect(clamped.threads).toBe(maxWorkers());
    expect(clamped.note).toMatch(new RegExp(`^${maxWorkers()} — ${MAX_WORKERS} asked, at most ${maxWorkers()} here`));
  });

  it('the pool refuses what the options refuse', async () => {
    await expect(leaseWorkers(0, 'auto')).rejects.toMatchObject({ code: 'BAD_OPTION', details: { option: 'workers' } });
    await expect(leaseWorkers(MAX_WORKERS + 1, 'auto')).rejects.toMatchObject({ code: 'BAD_OPTION' });
    expect(await leaseWorkers(1, 'auto')).toEqual({ workersUsed: 1 });
  });
});
