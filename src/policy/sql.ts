/**
 * Translates a query filter to a parameterised Postgres WHERE clause with the semantics of `policy.can`:
 * values only ever travel as `$n` parameters, identifiers only come from the caller's allow-list (always
 * quoted), and SQL's three-valued logic is made to agree with the two-valued in-memory evaluator.
 *
 * Why it agrees: a comparison with a NULL yields NULL, and under an even number of NOTs, NULL behaves exactly like
 * the evaluator's `false` (Kleene logic is monotone and regular); under an odd number of NOTs each comparison is
 * wrapped in `COALESCE(..., FALSE)` so that `NOT` sees the same two values the evaluator sees. Type-strictness
 * comes from the declared column types: comparing a text column with a number is FALSE, never a cast.
 */
import { BulwarkError } from '../errors.js';
import { readOptions, withoutPrototype } from '../internal/assert.js';
import { parseReference } from './attributes.js';
import { compileCondition } from './condition-compile.js';
import { isReference } from './condition-validate.js';
import { assertFilter } from './filter.js';
import { type ComparisonOperator, POSITIVE_FORM, type PositiveOperator } from './operators.js';
import {
  CAST,
  JS_TYPE,
  quoteIdentifier,
  type ScalarType,
  type SqlWhereColumn,
  type SqlWhereColumnType,
  type SqlWhereOptions,
  type SqlWhereResult,
} from './sql-columns.js';
import type { PolicyFilter } from './types.js';

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only an unpaired surrogate.
const LONE_SURROGATE = /\p{Cs}/u;

function invalid(message: string, details: Record<string, unknown>): BulwarkError {
  return new BulwarkError('INPUT_INVALID', message, { details });
}

type Side = { column: string; type: SqlWhereColumnType } | { value: unknown };

/**
 * Turns `policy.filter(...)` into `{ text, values }` for a Postgres `WHERE`, with `$n` parameters.
 *
 * @throws INPUT_INVALID when the filter is malformed, names an attribute with no column, or uses `inCidr` /
 * `timeWindow` on a resource attribute (they have no SQL translation). @throws CONFIG_INVALID for bad options.
 * @example
 * const where = toSqlWhere(policy.filter(user, 'read', 'invoice'), {
 *   columns: { ownerId: { name: 'owner_id', type: 'text' }, tenantId: { name: 'tenant_id', type: 'text' } },
 * });
 * await client.query(`SELECT * FROM invoices WHERE ${where.text}`, where.values);
 */
export function toSqlWhere(filter: PolicyFilter, options: SqlWhereOptions): SqlWhereResult {
  const o = readOptions<SqlWhereOptions>(options);
  const columns = o.columns;
  if (typeof columns !== 'object' || columns === null) {
    throw new BulwarkError('CONFIG_INVALID', 'columns must map resource attributes to { name, type }', {
      details: { parameter: 'columns' },
    });
  }
  const prefix = o.tableAlias === undefined ? '' : `${quoteIdentifier(o.tableAlias, 'tableAlias')}.`;
  const offset = o.parameterOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 65_000) {
    throw new BulwarkError('CONFIG_INVALID', 'parameterOffset must be an integer from 0 to 65000', {
      details: { parameter: 'parameterOffset' },
    });
  }
  assertFilter(filter);
  const values: unknown[] = [];
  const param = (value: unknown, type: SqlWhereColumnType): string => {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      // Postgres text cannot hold U+0000: refuse here with a clear error rather than fail inside the query.
      if (v.includes('\u0000')) {
        throw invalid('a text value contains U+0000, which Postgres text cannot hold', { type });
      }
      // Drivers encode a lone surrogate as U+FFFD, so the database would compare another string than `can` does.
      if (LONE_SURROGATE.test(v)) {
        throw invalid('a text value is not well-formed UTF-16 (it has a lone surrogate)', { type });
      }
    }
    values.push(value);
    return `$${offset + values.length}::${CAST[type]}`;
  };

  const side = (operand: unknown): Side => {
    // Sides have no prototype: `'column' in side` tells them apart and must never find a polluted key.
    if (!isReference(operand)) return withoutPrototype({ value: operand });
    const parsed = parseReference(operand.ref);
    // Only resource attributes map to columns, even in a filter that skipped validation (one produced here).
    if (typeof parsed !== 'string' && parsed.root !== 'resource') {
      throw invalid(`${operand.ref} is not a resource attribute`, { attribute: parsed.attribute });
    }
    const attribute = typeof parsed === 'string' ? '' : parsed.attribute;
    const column = Object.hasOwn(columns, attribute)
      ? (columns as Record<string, SqlWhereColumn>)[attribute]
      : undefined;
    if (column === undefined) throw invalid(`resource.${attribute} has no column in the allow-list`, { attribute });
    if (typeof column !== 'object' || column === null || !Object.hasOwn(CAST, column.type)) {
      throw new BulwarkError('CONFIG_INVALID', `columns.${attribute} must be { name, type }`, {
        details: { parameter: `columns.${attribute}` },
      });
    }
    return withoutPrototype({
      column: `${prefix}${quoteIdentifier(column.name, `columns.${attribute}.name`)}`,
      type: column.type,
    });
  };

  /** A scalar side as SQL of scalar type `type`, or undefined when it can never be of that type. */
  const scalar = (s: Side, type: ScalarType): string | undefined => {
    if ('column' in s) return s.type === type ? s.column : undefined;
    return typeof s.value === JS_TYPE[type] ? param(s.value, type) : undefined;
  };
  const scalarTypeOf = (s: Side): ScalarType | undefined =>
    'column' in s
      ? s.type in JS_TYPE
        ? (s.type as ScalarType)
        : undefined
      : (Object.keys(JS_TYPE) as ScalarType[]).find((t) => typeof s.value === JS_TYPE[t]);
  /** A list side as SQL of array type `type[]`, or undefined. */
  const list = (s: Side, type: ScalarType): string | undefined => {
    if ('column' in s) return s.type === `${type}[]` ? s.column : undefined;
    if (!Array.isArray(s.value)) return undefined;
    const items = s.value.filter((v) => typeof v === JS_TYPE[type]);
    return items.length === 0 ? undefined : param(items, `${type}[]`);
  };
  /** `needle = ANY(haystack)` where the element type is taken from the needle. */
  const member = (needle: Side, haystack: Side): string | undefined => {
    const type = scalarTypeOf(needle);
    if (type === undefined) return undefined;
    const h = list(haystack, type);
    const n = h === undefined ? undefined : scalar(needle, type);
    if (n === undefined) return undefined;
    // Postgres does not enforce a column's array dimensions and ANY flattens them all, while can compares only
    // top-level elements: a multi-dimensional value never matches (array_ndims is NULL for '{}', and FALSE AND
    // NULL is FALSE, so an empty array still answers FALSE).
    return 'column' in haystack ? `(${n} = ANY(${h}) AND array_ndims(${h}) = 1)` : `${n} = ANY(${h})`;
  };

  const comparison = (op: PositiveOperator, a: Side, b: Side): string | undefined => {
    switch (op) {
      case 'eq': {
        const type = 'column' in a ? scalarTypeOf(a) : scalarTypeOf(b);
        if (type === undefined) return undefined;
        const l = scalar(a, type);
        const r = scalar(b, type);
        return l === undefined || r === undefined ? undefined : `${l} = ${r}`;
      }
      case 'in':
        return member(a, b);
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const l = scalar(a, 'number');
        const r = l === undefined ? undefined : scalar(b, 'number');
        const symbol = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[op];
        return l === undefined || r === undefined ? undefined : `${l} ${symbol} ${r}`;
      }
      case 'contains': {
        const aIsText = 'column' in a ? a.type === 'text' : typeof a.value === 'string';
        if (!aIsText) return member(b, a);
        const l = scalar(a, 'text');
        const r = scalar(b, 'text');
        return l === undefined || r === undefined ? undefined : `strpos(${l}, ${r}) > 0`;
      }
      case 'startsWith': {
        const l = scalar(a, 'text');
        const r = l === undefined ? undefined : scalar(b, 'text');
        return l === undefined || r === undefined ? undefined : `starts_with(${l}, ${r})`;
      }
    }
  };

  const hasReference = (node: unknown): boolean =>
    isReference(node) || (typeof node === 'object' && node !== null && Object.values(node).some(hasReference));

  const translate = (node: PolicyFilter, negative: boolean): string => {
    if (typeof node === 'boolean') return node ? 'TRUE' : 'FALSE';
    if (!hasReference(node))
      return compileCondition(node, { now: () => Number.NaN })(undefined, undefined, undefined) ? 'TRUE' : 'FALSE';
    const [op, args] = Object.entries(node)[0]! as [string, unknown];
    switch (op) {
      case 'and':
      case 'or':
        return `(${(args as PolicyFilter[]).map((n) => translate(n, negative)).join(op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${translate(args as PolicyFilter, !negative)})`;
      case 'exists': {
        const s = side(args);
        return `(${(s as { column: string }).column} IS NOT NULL)`;
      }
      case 'inCidr':
      case 'timeWindow':
        throw invalid(`${op} on a resource attribute has no SQL translation`, { operator: op });
    }
    const pair = args as unknown[];
    const positive = POSITIVE_FORM[op as ComparisonOperator];
    const a = side(pair[0]);
    const b = side(pair[1]);
    const mark = values.length;
    const sql = comparison(positive, a, b);
    // A comparison that folded to FALSE may have bound a parameter before finding the mismatch: unbind it.
    if (sql === undefined) {
      values.length = mark;
      return positive === op ? 'FALSE' : 'TRUE';
    }
    const text = negative || positive !== op ? `COALESCE(${sql}, FALSE)` : `(${sql})`;
    return positive === op ? text : `(NOT ${text})`;
  };

  return { text: translate(filter, false), values };
}
