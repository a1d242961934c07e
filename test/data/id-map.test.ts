import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdMap, idMapFromIds } from '../../src/data/id-map.js';
import type { Id } from '../../src/data/types.js';

/** Reference: the documented key rule, String(id), over a plain Map. */
function reference(ids: Id[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) if (!m.has(String(id))) m.set(String(id), m.size);
  return m;
}

describe('IdMap', () => {
  it('interns, looks up and returns ids as first seen', () => {
    const m = createIdMap();
    expect(m.intern('196')).toBe(0);
    expect(m.intern(196)).toBe(0);
    expect(m.intern('alice')).toBe(1);
    expect(m.intern(3.5)).toBe(2);
    expect(m.index('3.5')).toBe(2);
    expect(m.intern('007')).toBe(3);
    expect(m.index(7)).toBeUndefined();
    expect(m.intern(-0)).toBe(4);
    expect(m.index('0')).toBe(4);
    expect(m.intern(1e21)).toBe(5);
    expect(m.index('1e+21')).toBe(5);
    expect(m.size).toBe(6);
    expect(m.ids()).toEqual(['196', 'alice', 3.5, '007', -0, 1e21]);
    expect(m.id(0)).toBe('196');
    expect(() => m.id(6)).toThrow(RangeError);
    expect(() => m.id(-1)).toThrow(RangeError);
  });

  it('agrees with String(id) keys on random mixes of numbers and strings (fast-check)', () => {
    const id: fc.Arbitrary<Id> = fc.oneof(
      fc.nat({ max: 5000 }),
      fc.nat({ max: 5000 }).map(String),
      fc.integer({ min: 0, max: 2e9 }),
      fc.integer({ min: 0, max: 2e9 }).map(String),
      fc.integer({ min: -50, max: 50 }),
      fc.double({ noNaN: true }),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('0', '00', '01', '1e3', '1000', ' 1', '-0', '999999999', '1000000000'),
    );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 200 }), fc.array(id, { maxLength: 20 }), (ids, probes) => {
        const m = createIdMap();
        const ref = reference(ids);
        for (const x of ids) expect(m.intern(x)).toBe(ref.get(String(x)));
        expect(m.size).toBe(ref.size);
        for (const x of [...ids, ...probes]) expect(m.index(x)).toBe(ref.get(String(x)));
        for (let i = 0; i < m.size; i++) expect(m.index(m.id(i))).toBe(i);
      }),
      { numRuns: 300 },
    );
  });

  it('internSpan agrees with intern on the same text', () => {
    const m = createIdMap();
    const text = ' 12,012,0,abc,12,999999999,1000000000,1000000000 ';
    const spans = text.trim().split(',');
    let at = 1;
    for (const s of spans) {
      expect(m.internSpan(text, at, at + s.length)).toBe(m.index(s));
      at += s.length + 1;
    }
    expect(m.ids()).toEqual(['12', '012', '0', 'abc', '999999999', '1000000000']);
  });

  it('stays correct when integer ids arrive sparse, then dense (table growth moves keys)', () => {
    const m = createIdMap();
    const ids = [5_000_000, 9, 40_000, 4_000_000, ...Array.from({ length: 2_000_000 }, (_, j) => j * 3)];
    const ref = reference(ids);
    for (const x of ids) m.intern(x);
    expect(m.size).toBe(ref.size);
    for (const x of [5_000_000, 9, 40_000, 4_000_000, 3, 5_999_997, 4]) expect(m.index(x)).toBe(ref.get(String(x)));
  });

  it('idMapFromIds restores indices and refuses duplicates', () => {
    const m = idMapFromIds(['196', 'x', 7]);
    expect(m.index(196)).toBe(0);
    expect(m.index('7')).toBe(2);
    expect(() => idMapFromIds(['7', 7])).toThrow(/duplicate id 7 at index 1/);
  });

  it('interns a million numeric and a million other ids, each once, in order of first appearance (speed: bench/parse-scale.mjs)', () => {
    const ids = Array.from({ length: 1_000_000 }, (_, j) => String((j * 7919) % 1_000_003));
    const m = createIdMap();
    for (const x of ids) m.intern(x);
    for (const x of ids.slice(0, 1000)) m.intern(x); // seen again: no new index
    expect(m.size).toBe(1_000_000);
    for (const j of [0, 1, 999, 500_000, 999_999]) {
      expect(m.index(ids[j])).toBe(j);
      expect(String(m.id(j))).toBe(ids[j]);
    }
    const n = createIdMap();
    for (let j = 0; j < 1_000_000; j++) n.intern(`u${j}`);
    expect(n.size).toBe(1_000_000);
    expect(n.index('u765432')).toBe(765_432);
  });
});
