/**
 * The meaning of every comparison, written once. The compiled closures, the query-filter folding and
 * `matchesFilter` all call these, so the in-memory decision and the filter cannot drift apart.
 *
 * Comparisons are two-valued and type-strict: absent (missing or null) or mistyped operands make them false.
 */
import { BulwarkError } from '../errors.js';
import { isScalar } from './attributes.js';

/** The comparisons whose truth the functions below define; `ne` and `nin` are their negations. */
export type PositiveOperator = 'eq' | 'in' | 'lt' | 'lte' | 'gt' | 'gte' | 'contains' | 'startsWith';
export type ComparisonOperator = PositiveOperator | 'ne' | 'nin';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'eq',
  'ne',
  'in',
  'nin',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'startsWith',
];

/**
 * Longest list a check or filter reads from a subject, resource or context. Work on a list follows its `length`, and
 * a sparse array built in code can claim 2^32 - 1 items while holding none (seconds per check); a longer one denies
 * with `invalid-input`, as an unreadable attribute does.
 */
export const MAX_INPUT_LIST_LENGTH = 100_000;

/** Throws past {@link MAX_INPUT_LIST_LENGTH}; every caller runs inside a check's or filter's deny-on-throw. */
export function checkInputList(list: readonly unknown[]): void {
  if (list.length > MAX_INPUT_LIST_LENGTH) {
    throw new BulwarkError(
      'INPUT_INVALID',
      `a list read from the request is longer than ${MAX_INPUT_LIST_LENGTH} items`,
    );
  }
}

/** The positive operator each comparison is (possibly negated) form of. */
export const POSITIVE_FORM: Readonly<Record<ComparisonOperator, PositiveOperator>> = {
  eq: 'eq',
  ne: 'eq',
  in: 'in',
  nin: 'in',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  contains: 'contains',
  startsWith: 'startsWith',
};

/** What each operand position can hold; a literal of another kind is a definition error. */
export type OperandKind = 'scalar' | 'number' | 'string' | 'list' | 'list-or-string';

export const OPERAND_KINDS: Readonly<Record<PositiveOperator, readonly [OperandKind, OperandKind]>> = {
  eq: ['scalar', 'scalar'],
  in: ['scalar', 'list'],
  lt: ['number', 'number'],
  lte: ['number', 'number'],
  gt: ['number', 'number'],
  gte: ['number', 'number'],
  contains: ['list-or-string', 'scalar'],
  startsWith: ['string', 'string'],
};

/** True when `value` can ever satisfy a position of `kind` (used to fold impossible comparisons to false). */
export function fitsKind(value: unknown, kind: OperandKind): boolean {
  switch (kind) {
    case 'scalar':
      return isScalar(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'list':
      return Array.isArray(value);
    case 'list-or-string':
      return Array.isArray(value) || typeof value === 'string';
  }
}

/**
 * Strict list membership: `indexOf` uses `===`, so `'1'` never finds `1`. A hit must be an own index: `indexOf`
 * also sees what a hole inherits from a polluted Array or Object prototype.
 */
function includesScalar(list: readonly unknown[], value: unknown): boolean {
  checkInputList(list);
  if (!isScalar(value)) return false;
  for (let i = list.indexOf(value); i !== -1; i = list.indexOf(value, i + 1)) if (Object.hasOwn(list, i)) return true;
  return false;
}

export const EVALUATE: Readonly<Record<PositiveOperator, (a: unknown, b: unknown) => boolean>> = {
  eq: (a, b) => isScalar(a) && a === b,
  in: (a, b) => Array.isArray(b) && includesScalar(b, a),
  lt: (a, b) => typeof a === 'number' && typeof b === 'number' && a < b,
  lte: (a, b) => typeof a === 'number' && typeof b === 'number' && a <= b,
  gt: (a, b) => typeof a === 'number' && typeof b === 'number' && a > b,
  gte: (a, b) => typeof a === 'number' && typeof b === 'number' && a >= b,
  // A string never "contains" via array semantics or vice versa: the first operand's type picks the meaning.
  contains: (a, b) =>
    Array.isArray(a) ? includesScalar(a, b) : typeof a === 'string' && typeof b === 'string' && a.includes(b),
  startsWith: (a, b) => typeof a === 'string' && typeof b === 'string' && a.startsWith(b),
};
