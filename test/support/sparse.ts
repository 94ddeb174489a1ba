/** An array of `length` with only `items` present: the rest are holes (as `[ , ]` writes them). */
export function sparse(length: number, items: Record<number, unknown> = {}): unknown[] {
  return Object.assign(new Array(length), items);
}
