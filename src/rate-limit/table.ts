/**
 * A bounded key → slot table for the memory store: a Map from key to slot index, and each slot's state and its
 * least-recently-used links packed side by side in one typed array (no object per key, no boxed doubles, one cache
 * line per slot), with an intrusive doubly linked list for eviction. Every operation is O(1); nothing runs in the
 * background (expiry is checked by the algorithms on access).
 *
 * Slot layout in 8-byte cells: state `a`, `b` (and `c` when `withPrevious`), then one cell holding the two 32-bit
 * links (newer, older).
 */

const INITIAL_CAPACITY = 256;

export class SlotTable {
  readonly slots = new Map<string, number>();
  keys: (string | undefined)[] = [];
  /** Cells per slot: 3, or 4 with the previous-window counter. */
  readonly stride: number;
  cells: Float64Array;
  private links: Int32Array;
  logs: (number[] | undefined)[] | undefined;
  /** Most and least recently used slots, -1 when empty. */
  head = -1;
  tail = -1;
  private used = 0;
  private readonly free: number[] = [];
  private capacity: number;

  constructor(
    readonly maxKeys: number,
    readonly withPrevious: boolean,
    withLogs: boolean,
  ) {
    this.stride = withPrevious ? 4 : 3;
    this.capacity = Math.min(INITIAL_CAPACITY, maxKeys);
    this.cells = new Float64Array(this.capacity * this.stride);
    this.links = new Int32Array(this.cells.buffer);
    this.logs = withLogs ? [] : undefined;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The slot of `key`, marked most recently used, or -1. */
  find(key: string): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return -1;
    const head = this.head;
    if (slot !== head) {
      // unlink + linkAtHead written out, every decision on a key that is not the head pays it: a found slot that
      // is not the head always has a newer neighbour and the list is not empty, so neither needs a branch (with
      // 100k keys, a decision went from about 125 to 100 ns in most interleaved runs).
      const links = this.links;
      const stride = this.stride * 2;
      const offset = stride - 2;
      const at = slot * stride + offset;
      const newer = links[at] as number;
      const older = links[at + 1] as number;
      links[newer * stride + offset + 1] = older;
      if (older >= 0) links[older * stride + offset] = newer;
      else this.tail = newer;
      links[at] = -1;
      links[at + 1] = head;
      links[head * stride + offset] = slot;
      this.head = slot;
    }
    return slot;
  }

  /** A fresh slot for `key` (which must be absent), evicting the least recently used key when full. */
  insert(key: string): number {
    let slot: number;
    if (this.free.length > 0) slot = this.free.pop() as number;
    else if (this.used < this.capacity) slot = this.used++;
    else if (this.capacity < this.maxKeys) {
      this.grow();
      slot = this.used++;
    } else {
      slot = this.tail;
      this.unlink(slot);
      this.slots.delete(this.keys[slot] as string);
    }
    this.slots.set(key, slot);
    this.keys[slot] = key;
    const base = slot * this.stride;
    this.cells[base] = -1;
    this.cells[base + 1] = 0;
    if (this.withPrevious) this.cells[base + 2] = 0;
    if (this.logs !== undefined) this.logs[slot] = undefined;
    this.linkAtHead(slot);
    return slot;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    this.unlink(slot);
    this.keys[slot] = undefined;
    if (this.logs !== undefined) this.logs[slot] = undefined;
    this.free.push(slot);
  }

  private grow(): void {
    // Grow by half: less idle capacity per key than doubling, still amortized O(1).
    const capacity = Math.min(Math.ceil(this.capacity * 1.5), this.maxKeys);
    const cells = new Float64Array(capacity * this.stride);
    cells.set(this.cells);
    this.cells = cells;
    this.links = new Int32Array(cells.buffer);
    this.capacity = capacity;
  }

  /** Index of a slot's `newer` link in `links`; `older` follows it. */
  private linkIndex(slot: number): number {
    return (slot * this.stride + this.stride - 1) * 2;
  }

  private linkAtHead(slot: number): void {
    const at = this.linkIndex(slot);
    this.links[at] = -1;
    this.links[at + 1] = this.head;
    if (this.head >= 0) this.links[this.linkIndex(this.head)] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  private unlink(slot: number): void {
    const at = this.linkIndex(slot);
    const newer = this.links[at] as number;
    const older = this.links[at + 1] as number;
    if (newer >= 0) this.links[this.linkIndex(newer) + 1] = older;
    else this.head = older;
    if (older >= 0) this.links[this.linkIndex(older)] = newer;
    else this.tail = newer;
  }
}
