/**
 * toSqlWhere against the real Postgres: over random typed tables (NULLs, empty and NULL-holding arrays, -0,
 * awkward strings) and random policies, the rows the WHERE clause returns are exactly the rows `can` allows.
 * Reads BULWARK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); skips with a message when the
 * server is absent, and fails instead when BULWARK_REQUIRE_SERVICES=1.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { definePolicy, toSqlWhere } from '../../src/policy/index.js';
import {
  ACTIONS,
  context,
  NOW,
  NUMBERS,
  policyData,
  RESOURCE_ATTRIBUTES,
  ROLES,
  STRINGS,
  subject,
  tenantOption,
} from './arbitraries.js';

const url = process.env.BULWARK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.BULWARK_REQUIRE_SERVICES === '1';
/** The URL without its password, for messages. */
const shownUrl = (() => {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable BULWARK_DATABASE_URL)';
  }
})();

async function connect(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if (required)
      throw new Error(`Postgres required (BULWARK_REQUIRE_SERVICES=1) but unreachable at ${shownUrl}`, {
        cause: error,
      });
    console.warn(`skipping policy Postgres tests: no Postgres at ${shownUrl} (${(error as Error).message})`);
    return undefined;
  }
}

const client = await connect();
const table = `policy_where_${process.pid}_${Date.now()}`;
const columns = Object.fromEntries(
  Object.entries(RESOURCE_ATTRIBUTES).map(([attribute, type]) => [attribute, { name: attribute, type }]),
) as Record<string, { name: string; type: (typeof RESOURCE_ATTRIBUTES)[keyof typeof RESOURCE_ATTRIBUTES] }>;

const nullable = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: a });
const text = fc.constantFrom(...STRINGS);
const identity = fc.oneof(fc.constantFrom('a', 'b'), text);
const row = fc.record({
  owner: nullable(identity),
  tenant: nullable(identity),
  label: nullable(text),
  n: nullable(fc.oneof(fc.constantFrom(...NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }))),
  m: nullable(fc.integer({ min: -3, max: 3 })),
  flag: nullable(fc.boolean()),
  // Postgres does not enforce an array column's dimensions: a text[] can hold {{a,b}}, whose elements can does not
  // look into, while = ANY flattens every dimension.
  tags: nullable(
    fc.oneof(
      fc.array(nullable(text), { maxLength: 3 }),
      fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 2 }),
    ),
  ),
  nums: nullable(fc.array(nullable(fc.constantFrom(...NUMBERS)), { maxLength: 3 })),
  ghost: fc.constant(null),
});

describe.skipIf(client === undefined)('toSqlWhere in Postgres agrees with can', () => {
  afterAll(async () => {
    await client?.query(`DROP TABLE IF EXISTS ${table}`);
    await client?.end();
  });

  it('returns exactly the rows can allows, over random tables and policies', async () => {
    const db = client!;
    await db.query(
      `CREATE TEMP TABLE ${table} (id int PRIMARY KEY, owner text, tenant text, label text, n float8, m int4,
       flag boolean, tags text[], nums float8[], ghost text)`,
    );
    // Every role held, so that most rules apply and most filters keep conditions to translate.
    const everyRole = subject.map((s) => ({ ...s, roles: [...ROLES] }));
    const request = fc.record({
      subject: everyRole,
      action: fc.constantFrom(...ACTIONS),
      context,
      aliased: fc.boolean(),
    });
    let translated = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(policyData, tenantOption, request), { minLength: 1, maxLength: 8 }),
        async (rows, cases) => {
          await db.query(`TRUNCATE ${table}`);
          const names = Object.keys(RESOURCE_ATTRIBUTES);
          const values: unknown[] = [];
          const tuples = rows.map((r, i) => {
            const cells = [i, ...names.map((k) => (r as Record<string, unknown>)[k])];
            values.push(...cells);
            return `(${cells.map((_, j) => `$${values.length - cells.length + j + 1}`).join(', ')})`;
          });
          await db.query(`INSERT INTO ${table} (id, ${names.join(', ')}) VALUES ${tuples.join(', ')}`, values);
          // Compare against the rows as Postgres returns them, so both sides see the same stored values.
          const stored = (await db.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Record<string, unknown>[];
          for (const [data, tenant, q] of cases) {
            const policy = definePolicy(data as any, { now: () => NOW, ...(tenant === undefined ? {} : { tenant }) });
            const filter = policy.filter(q.subject, q.action, 'doc', q.context);
            if (typeof filter !== 'boolean') translated++;
            const expected = stored
              .filter((r) => policy.can(q.subject, q.action, { ...r, type: 'doc' }, q.context))
              .map((r) => r.id);
            let result: pg.QueryResult;
            if (q.aliased) {
              const where = toSqlWhere(filter, { columns, tableAlias: 't', parameterOffset: 1 });
              result = await db.query(`SELECT t.id FROM ${table} t WHERE t.id > $1 AND ${where.text} ORDER BY t.id`, [
                -1,
                ...where.values,
              ]);
            } else {
              const where = toSqlWhere(filter, { columns });
              result = await db.query(`SELECT id FROM ${table} WHERE ${where.text} ORDER BY id`, where.values);
            }
            expect(
              result.rows.map((r) => r.id),
              JSON.stringify({ filter }),
            ).toEqual(expected);
          }
        },
      ),
      { numRuns: Number(process.env.POLICY_PG_RUNS ?? 40) },
    );
    // The property is only meaningful if many filters kept conditions for Postgres to evaluate.
    expect(translated).toBeGreaterThan(20);
  });

  it('list membership looks at top-level elements only, as can does, when a column holds a 2-D array', async () => {
    const db = client!;
    const rule = (action: string, effect: 'allow' | 'deny', when: unknown) =>
      ({ effect, roles: ['user'], actions: [action], resources: ['doc'], when }) as const;
    const policy = definePolicy({
      roles: { user: {} },
      rules: [
        rule('contains', 'allow', { contains: [{ ref: 'resource.tags' }, 'public'] }),
        rule('in', 'allow', { in: ['public', { ref: 'resource.tags' }] }),
        rule('nin', 'allow', { nin: ['hold', { ref: 'resource.tags' }] }),
        { effect: 'allow', roles: ['user'], actions: ['not-held'], resources: ['doc'] },
        rule('not-held', 'deny', { in: ['hold', { ref: 'resource.tags' }] }),
      ] as never,
    });
    const rows = [[], ['public'], [['public', 'x']], ['hold'], [['hold', 'y']], null];
    await db.query(`TRUNCATE ${table}`);
    for (const [id, tags] of rows.entries())
      await db.query(`INSERT INTO ${table} (id, tags) VALUES ($1, $2)`, [id, tags]);
    const stored = (await db.query(`SELECT * FROM ${table} ORDER BY id`)).rows as Record<string, unknown>[];
    expect(stored[2]?.tags).toEqual([['public', 'x']]);
    const user = { roles: ['user'] };
    for (const action of ['contains', 'in', 'nin', 'not-held']) {
      const expected = stored.filter((r) => policy.can(user, action, { ...r, type: 'doc' })).map((r) => r.id);
      const where = toSqlWhere(policy.filter(user, action, 'doc'), { columns });
      const result = await db.query(`SELECT id FROM ${table} WHERE ${where.text} ORDER BY id`, where.values);
      expect(
        result.rows.map((r) => r.id),
        action,
      ).toEqual(expected);
    }
  });

  it('keeps values out of the SQL text and rejects nothing it can translate', async () => {
    const policy = definePolicy({
      roles: { user: {} },
      rules: [
        {
          effect: 'allow',
          roles: ['user'],
          actions: ['read'],
          resources: ['doc'],
          when: { eq: [{ ref: 'resource.owner' }, { ref: 'subject.id' }] },
        },
      ],
    });
    const hostile = "x'); DROP TABLE users; --";
    const where = toSqlWhere(policy.filter({ id: hostile, roles: ['user'] }, 'read', 'doc'), { columns });
    expect(where.text).not.toContain('DROP');
    expect(where.values).toEqual([hostile]);
    const result = await client!.query(`SELECT count(*)::int AS c FROM ${table} WHERE ${where.text}`, where.values);
    expect(result.rows[0].c).toBe(0);
  });
});
