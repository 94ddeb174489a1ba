import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotTable } from '../../src/rate-limit/table.js';

/**
 * The memory store's key table against an obviously correct LRU: a Map whose insertion order is the recency order
 * (a touch is delete + set). Evictions must pick exactly the key the model evicts, across growth, reuse of freed
 * slots and touches of the head, tail and middle of the list.
 */
type Op = { kind: 'touch' | 'delete'; key: number };

const ops = fc.array(
  fc.record({ kind: fc.constantFrom<Op['kind']>('touch', 'touch', 'touch', 'delete'), key: fc.nat({ max: 11 }) }),
  { maxLength: 300 },
);

function run(maxKeys: number, sequence: Op[]): void {
  const table = new SlotTable(maxKeys, true, false);
  const model = new Map<string, number>();
  for (const { kind, key: n } of sequence) {
    const key = `k${n}`;
    if (kind === 'delete') {
      table.delete(key);
      model.delete(key);
    } else {
      const slot = table.find(key);
      if (slot >= 0) {
        // Found: it holds the state written when it was inserted, and becomes the most recently used.
        expect(table.cells[slot * table.stride]).toBe(n);
        model.delete(key);
      } else {
        expect(model.has(key)).toBe(false);
        if (model.size === maxKeys) model.delete(model.keys().next().value as string);
        const fresh = table.insert(key);
        table.cells[fresh * table.stride] = n;
      }
      model.set(key, n);
    }
    expect([...table.slots.keys()].sort()).toEqual([...model.keys()].sort());
    expect(table.keys[table.head]).toBe(model.size === 0 ? undefined : [...model.keys()].at(-1));
    expect(table.keys[table.tail]).toBe(model.size === 0 ? undefined : [...model.keys()][0]);
  }
}

describe('memory store key table', () => {
  it('evicts exactly the least recently used key (model-based)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), ops, (maxKeys, sequence) => run(maxKeys, sequence)),
      { numRuns: 400 },
    );
  });

  it('keeps the order across growth past the initial capacity', () => {
    const sequence: Op[] = [];
    for (let i = 0; i < 700; i++) sequence.push({ kind: 'touch', key: (i * 7) % 600 });
    const table = new SlotTable(500, false, false);
    const model = new Map<string, true>();
    for (const { key: n } of sequence) {
      const key = `k${n}`;
      if (table.find(key) < 0) {
        if (model.size === 500) model.delete(model.keys().next().value as string);
        table.insert(key);
      } else model.delete(key);
      model.set(key, true);
    }
    expect([...table.slots.keys()].sort()).toEqual([...model.keys()].sort());
    expect(table.keys[table.tail]).toBe([...model.keys()][0]);
  });
});
