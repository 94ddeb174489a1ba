import { BulwarkError } from '../errors.js';

/** Throws CONFIG_INVALID unless `value` is an integer within [min, max]. */
export function assertIntegerInRange(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BulwarkError('CONFIG_INVALID', `${name} must be an integer from ${min} to ${max}`, {
      details: { parameter: name, min, max },
    });
  }
  return value;
}

/** Throws INPUT_INVALID unless `value` is a string. */
export function assertString(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new BulwarkError('INPUT_INVALID', `${name} must be a string`, { details: { parameter: name } });
  }
  return value;
}

/** Throws CONFIG_INVALID unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new BulwarkError('CONFIG_INVALID', `${name} must be one of ${allowed.join(', ')}`, {
      details: { parameter: name, allowed },
    });
  }
  return value as T;
}

/** No options: frozen, with no prototype, so an option left out never reads a polluted Object.prototype key. */
const NO_OPTIONS: object = Object.freeze(Object.create(null));

/**
 * A copy of `record`'s own enumerable properties in an object with no prototype. Members are read as
 * `o.x ?? default` and variants told apart with `in`; on an ordinary object a missing `x` reads through to
 * `Object.prototype.x`, so a polluted prototype could change a default (a longer TOTP window, a weaker cost), a key
 * or a branch. Used for callers' options and definitions and for records the library builds for itself.
 */
export function withoutPrototype<T extends object>(record: T): T {
  return Object.assign(Object.create(null), record);
}

/**
 * `options` without a prototype (see {@link withoutPrototype}) when it is an object; anything else unchanged, for
 * the caller's own checks. For entry points that take optional settings without refusing a non-object.
 */
export function ownOptions<T>(options: T): T {
  return typeof options === 'object' && options !== null && !Array.isArray(options)
    ? withoutPrototype(options)
    : options;
}

/**
 * The method `name` of `o`, unless it is the one a polluted Object.prototype lends every object; undefined when
 * there is none. Compared rather than looked up along the chain, so a Proxy's methods count.
 */
export function methodOf(o: object, name: string): ((...args: never[]) => unknown) | undefined {
  const value = (o as Record<string, unknown>)[name];
  return typeof value === 'function' && value !== (Object.prototype as Record<string, unknown>)[name]
    ? (value as (...args: never[]) => unknown)
    : undefined;
}

/** A frozen lookup table with no prototype: a polluted Object.prototype key is never one of its entries. */
export function frozenTable<T extends object>(entries: T): Readonly<T> {
  return Object.freeze(withoutPrototype(entries));
}

/**
 * Reads an options argument without a prototype (see {@link withoutPrototype}); undefined reads as no options;
 * anything that is not a plain object is refused.
 */
export function readOptions<T extends object>(options: unknown, name = 'options'): Partial<T> {
  if (options === undefined) return NO_OPTIONS as Partial<T>;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BulwarkError('CONFIG_INVALID', `${name} must be an object`, { details: { parameter: name } });
  }
  return withoutPrototype(options) as Partial<T>;
}

/** Reads a `now` option (epoch ms clock): `fallback` when absent, CONFIG_INVALID when not a function. */
export function readNowOption(now: unknown, fallback: () => number): () => number {
  if (now === undefined) return fallback;
  if (typeof now !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'now must be a function', { details: { parameter: 'now' } });
  }
  return now as () => number;
}
