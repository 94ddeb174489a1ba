/**
 * String-keyed tables for the hottest index levels (resource type, action, role). Each is an object with no
 * prototype at all, so `table[key]` can only ever find the table's own entries: `__proto__`, `constructor` or a
 * polluted `Object.prototype` key resolve to nothing, and assigning `__proto__` stores a plain entry.
 *
 * Why an object and not a Map: V8 keeps a null-prototype object in dictionary mode, and a keyed read of a
 * dictionary-mode object is a hash probe done inline, cheaper than `Map.prototype.get` and cheaper than the
 * stub-cache probe a fast-mode object needs once a read site has seen several keys (measured on Node 20, 24 and
 * 26: the three-level lookup of an RBAC check went from ~19-21 ns to ~16-17.5 ns, and it is most of the check).
 */

export type LookupTable<T> = { readonly [key: string]: T | undefined };

/** An empty table to fill by assignment; callers assign only string keys. */
export function createLookupTable<T>(): { [key: string]: T | undefined } {
  return Object.create(null);
}

/** Builds a table from entries; callers pass only string keys (the policy's validated names). */
export function toLookupTable<T>(entries: Iterable<readonly [string, T]>): LookupTable<T> {
  const table = createLookupTable<T>();
  for (const [key, value] of entries) table[key] = value;
  return table;
}
