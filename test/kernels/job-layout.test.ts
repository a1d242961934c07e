/**
 * The solve job record has one layout for both languages: every constant of
 * assembly/job-layout.ts (the source) has its twin, name and value, in src/kernels/job-layout.ts,
 * and nothing else is there; the fields fit the record without overlapping; and a record
 * written by TypeScript reads back whole. (The WebAssembly builds reading it field by field is
 * what test/kernels/solvers.test.ts checks, against the reference, through `solveRows`.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mirror from '../../src/kernels/job-layout.js';
import { readSolveJob, SOLVE_KINDS, writeSolveJob, type SolveJob } from '../../src/kernels/solve-job.js';
import { rowsFailure } from '../../src/kernels/solve-rows.js';

/** `export const NAME: i32 = VALUE;` of the AssemblyScript source. */
function assemblyConstants(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^export const (\w+): (\w+) = (-?\d+);$/gm)) {
    expect(m[2], m[1]).toBe('i32');
    out[m[1]] = Number(m[3]);
  }
  return out;
}

const source = assemblyConstants(readFileSync(new URL('../../assembly/job-layout.ts', import.meta.url), 'utf8'));

describe('the solve job layout', () => {
  it('is declared in AssemblyScript and mirrored constant for constant in TypeScript', () => {
    expect(Object.keys(source).length).toBeGreaterThan(20);
    expect({ ...mirror }).toEqual(source);
  });

  it('the check can fail: a changed or missing constant differs', () => {
    expect({ ...mirror, JOB_MU: mirror.JOB_MU + 8 }).not.toEqual(source);
    const { JOB_MU: _, ...missing } = mirror;
    expect(missing).not.toEqual(source);
  });

  it('lays the fields out without overlap, aligned, inside JOB_BYTES', () => {
    const f64 = new Set(['JOB_LAMBDA', 'JOB_MU']);
    const fields = Object.entries(source)
      .filter(([name]) => name.startsWith('JOB_') && name !== 'JOB_BYTES')
      .map(([name, at]) => ({ name, at, size: f64.has(name) ? 8 : 4 }))
      .sort((a, b) => a.at - b.at);
    for (const { name, at, size } of fields) expect(at % size, name).toBe(0);
    for (let j = 1; j < fields.length; j++) expect(fields[j].at, fields[j].name).toBeGreaterThanOrEqual(fields[j - 1].at + fields[j - 1].size);
    expect(fields.at(-1)!.at + fields.at(-1)!.size).toBeLessThanOrEqual(source.JOB_BYTES);
    expect(source.JOB_BYTES % 8).toBe(0);
  });

  it('kinds and precision codes are distinct', () => {
    expect(new Set(Object.values(SOLVE_KINDS)).size).toBe(Object.keys(SOLVE_KINDS).length);
    expect(new Set([mirror.PRECISION_F64, mirror.MIXED_F64_ACC, mirror.MIXED_F32_ACC]).size).toBe(3);
  });

  it('a record written by TypeScript reads back field for field', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const job: SolveJob = {
      kind: 'implicit-cg', f: 37, out: 1024, other: 2048, gram: 4096, indptr: 8192, indices: 12288, values: 16384,
      lambda: 0.125, weighted: true, mu: 3.5, biasOther: 20480, biasOut: 24576, steps: 3, precision: 2, other32: 0xfff0_0000,
    };
    writeSolveJob(memory, 136, job);
    expect(readSolveJob(memory, 136)).toEqual(job);
    new DataView(memory.buffer).setInt32(136 + mirror.JOB_KIND, 99, true);
    expect(() => readSolveJob(memory, 136)).toThrow(RangeError);
  });

  it('result codes decode to the failing row', () => {
    expect(rowsFailure(mirror.ROWS_SOLVED)).toBeUndefined();
    expect(rowsFailure(0)).toEqual({ reason: 'not-positive-definite', row: 0 });
    expect(rowsFailure(17)).toEqual({ reason: 'not-positive-definite', row: 17 });
    expect(rowsFailure(mirror.NON_FINITE_BASE)).toEqual({ reason: 'non-finite', row: 0 });
    expect(rowsFailure(mirror.NON_FINITE_BASE - 17)).toEqual({ reason: 'non-finite', row: 17 });
  });
});
