/**
 * The column allow-list of `toSqlWhere`: declared types (which make comparisons type-strict without casts on the
 * column) and identifier quoting.
 */
import { BulwarkError } from '../errors.js';
import { frozenTable } from '../internal/assert.js';

/**
 * Column types, as JavaScript sees the values. `number` is compared as `float8`: for `double precision` columns, or
 * integer/numeric columns whose values are exact doubles; not `real` (a float4 widens to another double in SQL).
 */
export type SqlWhereColumnType = 'text' | 'number' | 'boolean' | 'text[]' | 'number[]' | 'boolean[]';

export interface SqlWhereColumn {
  /** The column name (quoted in the output, so it is matched exactly). */
  name: string;
  type: SqlWhereColumnType;
}

export interface SqlWhereOptions {
  /** The allow-list: resource attribute (as in `resource.<attribute>`) → column. Anything else is refused. */
  columns: Readonly<Record<string, SqlWhereColumn>>;
  /** Qualifies every column, e.g. `i` → `"i"."owner_id"`. */
  tableAlias?: string;
  /** How many parameters precede this clause in the query: `2` makes the first one `$3`. Default 0. */
  parameterOffset?: number;
}

export interface SqlWhereResult {
  text: string;
  values: unknown[];
}

/** The cast each parameter gets, so Postgres never infers a type from the column. */
// Tables without a prototype: `type in JS_TYPE` or `CAST[type]` must never find a polluted Object.prototype key.
export const CAST: Readonly<Record<SqlWhereColumnType, string>> = frozenTable({
  text: 'text',
  number: 'float8',
  boolean: 'boolean',
  'text[]': 'text[]',
  'number[]': 'float8[]',
  'boolean[]': 'boolean[]',
});
export const JS_TYPE = frozenTable({ text: 'string', number: 'number', boolean: 'boolean' } as const);
export type ScalarType = keyof typeof JS_TYPE;

/** Double-quotes an identifier from the allow-list; CONFIG_INVALID when it is not one. */
export function quoteIdentifier(name: unknown, parameter: string): string {
  // Postgres silently truncates identifiers over 63 bytes, which could name another column: refuse instead.
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.includes('\u0000') ||
    // A lone surrogate would be encoded as U+FFFD, naming another column than the one listed.
    /\p{Cs}/u.test(name) ||
    new TextEncoder().encode(name).length > 63
  ) {
    throw new BulwarkError('CONFIG_INVALID', `${parameter} must be an identifier of 1 to 63 bytes`, {
      details: { parameter },
    });
  }
  return `"${name.replace(/"/g, '""')}"`;
}
