/**
 * A bounded key → slot table for the memory store: a Map from key to slot index and the state in typed-array columns
 * (no object per key, no boxed doubles), with an intrusive doubly linked list for least-recently-used eviction.
 * Every operation is O(1); nothing runs in the background (expiry is checked by the algorithms on access).
 */

const INITIAL_CAPACITY = 256;

export class SlotTable {
  readonly slots = new Map<string, number>();
  keys: (string | undefined)[] = [];
  a: Float64Array;
  b: Float64Array;
  c: Float64Array | undefined;
  logs: (number[] | undefined)[] | undefined;
  newer: Int32Array;
  older: Int32Array;
  /** Most and least recently used slots, -1 when empty. */
  head = -1;
  tail = -1;
  private used = 0;
  private readonly free: number[] = [];
  private capacity: number;

  constructor(
    readonly maxKeys: number,
    withPrevious: boolean,
    withLogs: boolean,
  ) {
    this.capacity = Math.min(INITIAL_CAPACITY, maxKeys);
    this.a = new Float64Array(this.capacity);
    this.b = new Float64Array(this.capacity);
    this.c = withPrevious ? new Float64Array(this.capacity) : undefined;
    this.logs = withLogs ? [] : undefined;
    this.newer = new Int32Array(this.capacity);
    this.older = new Int32Array(this.capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The slot of `key`, marked most recently used, or -1. */
  find(key: string): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return -1;
    if (slot !== this.head) this.moveToHead(slot);
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
    this.a[slot] = -1;
    this.b[slot] = 0;
    if (this.c !== undefined) this.c[slot] = 0;
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
    this.a = copyInto(new Float64Array(capacity), this.a);
    this.b = copyInto(new Float64Array(capacity), this.b);
    if (this.c !== undefined) this.c = copyInto(new Float64Array(capacity), this.c);
    this.newer = copyInto(new Int32Array(capacity), this.newer);
    this.older = copyInto(new Int32Array(capacity), this.older);
    this.capacity = capacity;
  }

  private moveToHead(slot: number): void {
    this.unlink(slot);
    this.linkAtHead(slot);
  }

  private linkAtHead(slot: number): void {
    this.newer[slot] = -1;
    this.older[slot] = this.head;
    if (this.head >= 0) this.newer[this.head] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  private unlink(slot: number): void {
    const newer = this.newer[slot] as number;
    const older = this.older[slot] as number;
    if (newer >= 0) this.older[newer] = older;
    else this.head = older;
    if (older >= 0) this.newer[older] = newer;
    else this.tail = newer;
  }
}

function copyInto<T extends Float64Array | Int32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
