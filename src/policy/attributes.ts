/**
 * Attribute lookup that cannot be steered through the prototype chain: own properties only, and the three names
 * that reach prototypes are refused when a policy is defined.
 */

export const REFERENCE_ROOTS = ['subject', 'resource', 'context'] as const;
export type ReferenceRoot = (typeof REFERENCE_ROOTS)[number];

/** Names that reach a prototype; never valid as a path segment. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const MAX_REFERENCE_SEGMENTS = 8;

/** A parsed `ref`: its root and the attribute path below it. */
export interface ParsedReference {
  root: ReferenceRoot;
  segments: readonly string[];
  /** The path below the root, joined with dots (the key used in SQL column maps). */
  attribute: string;
}

/** Parses `subject.tenantId`; returns a message instead when the reference is not allowed. */
export function parseReference(ref: string): ParsedReference | string {
  const parts = ref.split('.');
  const root = parts[0] as ReferenceRoot;
  if (!(REFERENCE_ROOTS as readonly string[]).includes(root)) {
    return 'ref must start with subject., resource. or context.';
  }
  const segments = parts.slice(1);
  if (segments.length === 0) return 'ref must name an attribute below its root';
  if (segments.length > MAX_REFERENCE_SEGMENTS) return `ref may have at most ${MAX_REFERENCE_SEGMENTS} segments`;
  for (const s of segments) {
    if (FORBIDDEN_SEGMENTS.has(s)) return `ref segment "${s}" is forbidden (it reaches a prototype)`;
    if (!SEGMENT.test(s)) return `ref segment "${s}" must be an identifier`;
  }
  return { root, segments, attribute: segments.join('.') };
}

/** Reads an own property; `null` and missing both come back as `undefined` (absent). */
export function readOwn(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
  const found = (value as Record<string, unknown>)[key];
  return found === null ? undefined : found;
}

/**
 * Whether `key`, already read from `o` with a defined value, is an own property: when no prototype holds the key
 * (the usual case, and a fast inline-cached miss) it must be; otherwise ask `Object.hasOwn`. The prototype is
 * asked with `in`, never read: reading it would call an inherited getter with the prototype as `this`, which
 * answers `undefined` (or throws) for a getter over instance state and so passed the getter's value off as own.
 */
export function isOwn(o: object, key: string): boolean {
  const proto: object | null = Object.getPrototypeOf(o);
  return proto === null || !(key in proto) || Object.hasOwn(o, key);
}

/**
 * Message for a hole in a list. Array iteration methods skip holes, so a hole would escape validation and then
 * reach the compiler as `undefined` (an `or` of one hole compiled to no condition at all).
 */
export const HOLE_MESSAGE = 'list has a hole (a sparse array); every item must be present';

/** Visits every index of a list in order, reporting each hole instead of visiting it. Bound its length first. */
export function forEachItem(
  list: readonly unknown[],
  path: string,
  problems: { path: string; message: string }[],
  visit: (item: unknown, index: number) => void,
): void {
  for (let i = 0; i < list.length; i++) {
    if (Object.hasOwn(list, i)) visit(list[i], i);
    else problems.push({ path: childPath(path, i), message: HOLE_MESSAGE });
  }
}

/** Returns a reader for a path of own properties, specialised for the common one-segment case. */
export function createPathReader(segments: readonly string[]): (root: unknown) => unknown {
  if (segments.length === 1) {
    const key = segments[0]!;
    return (root) => readOwn(root, key);
  }
  return (root) => {
    let current = root;
    for (const key of segments) {
      current = readOwn(current, key);
      if (current === undefined) return undefined;
    }
    return current;
  };
}

/** True for the values comparisons accept: strings, numbers and booleans. */
export function isScalar(value: unknown): value is string | number | boolean {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/** Appends a key to a JSON path: `$.roles.editor`, or `$.roles["my role"]` when the key is not an identifier. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
