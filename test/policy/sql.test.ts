import { describe, expect, it } from 'vitest';
import { definePolicy, matchesFilter, type SqlWhereOptions, toSqlWhere } from '../../src/policy/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

const columns: SqlWhereOptions['columns'] = {
  ownerId: { name: 'owner_id', type: 'text' },
  amount: { name: 'amount', type: 'number' },
  paid: { name: 'paid', type: 'boolean' },
  tags: { name: 'tags', type: 'text[]' },
  scores: { name: 'scores', type: 'number[]' },
  'org.id': { name: 'org"id', type: 'text' },
};
const r = (a: string) => ({ ref: `resource.${a}` });
const sql = (filter: unknown, extra: Partial<SqlWhereOptions> = {}) => toSqlWhere(filter as any, { columns, ...extra });

describe('toSqlWhere', () => {
  it('constants', () => {
    expect(sql(true)).toEqual({ text: 'TRUE', values: [] });
    expect(sql(false)).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ eq: [1, 1] })).toEqual({ text: 'TRUE', values: [] });
    expect(sql({ inCidr: ['10.0.0.1', '10.0.0.0/8'] })).toEqual({ text: 'TRUE', values: [] });
  });

  it('each operator, with typed parameters', () => {
    expect(sql({ eq: [r('ownerId'), 'u1'] })).toEqual({ text: '("owner_id" = $1::text)', values: ['u1'] });
    expect(sql({ eq: ['u1', r('ownerId')] })).toEqual({ text: '($1::text = "owner_id")', values: ['u1'] });
    expect(sql({ ne: [r('ownerId'), 'u1'] })).toEqual({
      text: '(NOT COALESCE("owner_id" = $1::text, FALSE))',
      values: ['u1'],
    });
    expect(sql({ lt: [r('amount'), 5] }).text).toBe('("amount" < $1::float8)');
    expect(sql({ gte: [5, r('amount')] }).text).toBe('($1::float8 >= "amount")');
    expect(sql({ in: [r('ownerId'), ['a', 'b', 3]] })).toEqual({
      text: '("owner_id" = ANY($1::text[]))',
      values: [['a', 'b']],
    });
    expect(sql({ nin: [r('amount'), [1, 'x']] })).toEqual({
      text: '(NOT COALESCE("amount" = ANY($1::float8[]), FALSE))',
      values: [[1]],
    });
    expect(sql({ in: ['x', r('tags')] }).text).toBe('(($1::text = ANY("tags") AND array_ndims("tags") = 1))');
    expect(sql({ contains: [r('tags'), 'x'] }).text).toBe('(($1::text = ANY("tags") AND array_ndims("tags") = 1))');
    expect(sql({ contains: [r('scores'), 2] }).text).toBe(
      '(($1::float8 = ANY("scores") AND array_ndims("scores") = 1))',
    );
    expect(sql({ contains: [r('ownerId'), 'x'] }).text).toBe('(strpos("owner_id", $1::text) > 0)');
    expect(sql({ contains: [['a', 'b'], r('ownerId')] }).text).toBe('("owner_id" = ANY($1::text[]))');
    expect(sql({ contains: ['admin', r('ownerId')] }).text).toBe('(strpos($1::text, "owner_id") > 0)');
    expect(sql({ startsWith: [r('ownerId'), 'u'] }).text).toBe('(starts_with("owner_id", $1::text))');
    expect(sql({ exists: r('paid') }).text).toBe('("paid" IS NOT NULL)');
    expect(sql({ eq: [r('paid'), r('paid')] }).text).toBe('("paid" = "paid")');
  });

  it('type mismatches are FALSE, never casts, and bind no parameter', () => {
    expect(sql({ eq: [r('amount'), '1'] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ eq: [r('paid'), 1] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ eq: [r('tags'), 'x'] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ eq: [r('ownerId'), r('amount')] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ lt: [r('ownerId'), 5] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ startsWith: ['x', r('amount')] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ in: [r('ownerId'), [1, 2]] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ in: [r('tags'), ['x']] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ contains: [r('amount'), 1] })).toEqual({ text: 'FALSE', values: [] });
    expect(sql({ ne: [r('amount'), '1'] })).toEqual({ text: 'TRUE', values: [] });
  });

  it('makes NOT two-valued: comparisons under an odd number of NOTs are COALESCEd', () => {
    expect(sql({ not: { and: [{ eq: [r('ownerId'), 'a'] }, { not: { lt: [r('amount'), 1] } }] } }).text).toBe(
      '(NOT (COALESCE("owner_id" = $1::text, FALSE) AND (NOT ("amount" < $2::float8))))',
    );
  });

  it('quotes identifiers, qualifies with an alias and offsets parameters', () => {
    expect(sql({ eq: [r('org.id'), 'o'] }, { tableAlias: 'i', parameterOffset: 2 })).toEqual({
      text: '("i"."org""id" = $3::text)',
      values: ['o'],
    });
  });

  it('values never reach the text', () => {
    const evil = "'; DROP TABLE invoices; --";
    const where = sql({ or: [{ eq: [r('ownerId'), evil] }, { in: [r('ownerId'), [evil]] }] });
    expect(where.text).not.toContain('DROP');
    expect(where.values).toEqual([evil, [evil]]);
  });

  it('refuses attributes outside the allow-list, untranslatable operators and malformed filters', () => {
    const unknown = expectBulwarkErrorSync(() => sql({ eq: [r('password'), 'x'] }), 'INPUT_INVALID') as any;
    expect(unknown.details).toEqual({ attribute: 'password' });
    expectBulwarkErrorSync(() => sql({ eq: [r('toString'), 'x'] }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql({ inCidr: [r('ownerId'), '10.0.0.0/8'] }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql({ timeWindow: [r('amount'), { from: '09:00', to: '17:00' }] }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql({ eq: [{ ref: 'subject.id' }, 'x'] }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql({ raw: '1=1' }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql('1=1'), 'INPUT_INVALID');
  });

  it('refuses U+0000 in text parameters (Postgres text cannot hold it)', () => {
    expectBulwarkErrorSync(() => sql({ eq: [r('ownerId'), 'a\u0000b'] }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => sql({ in: [r('ownerId'), ['ok', 'a\u0000b']] }), 'INPUT_INVALID');
  });

  it('refuses strings with a lone surrogate (drivers would send U+FFFD), accepts surrogate pairs', () => {
    for (const bad of ['a\uD800', '\uDC00b', 'x\uDE00\uD83D']) {
      const error = expectBulwarkErrorSync(() => sql({ eq: [r('ownerId'), bad] }), 'INPUT_INVALID');
      expect(error.message).toMatch(/lone surrogate/);
      expectBulwarkErrorSync(() => sql({ in: [r('ownerId'), ['ok', bad]] }), 'INPUT_INVALID');
      expectBulwarkErrorSync(() => sql({ contains: [r('tags'), bad] }), 'INPUT_INVALID');
    }
    expect(sql({ eq: [r('ownerId'), 'a\uD83D\uDE00'] }).values).toEqual(['a\u{1F600}']);
    // A lone surrogate compared with a number column binds nothing, so it folds to FALSE as before.
    expect(sql({ eq: [r('amount'), '\uD800'] })).toEqual({ text: 'FALSE', values: [] });
    expectBulwarkErrorSync(
      () => toSqlWhere({ exists: r('a') }, { columns: { a: { name: 'a\uD800', type: 'text' } } }),
      'CONFIG_INVALID',
    );
  });

  it('refuses bad options', () => {
    expectBulwarkErrorSync(() => toSqlWhere(true, undefined as any), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => toSqlWhere(true, { columns: null as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => sql(true, { parameterOffset: -1 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => sql(true, { parameterOffset: 1.5 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => sql(true, { tableAlias: '' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => sql(true, { tableAlias: 'x'.repeat(64) }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => sql(true, { tableAlias: 'a\u0000b' }), 'CONFIG_INVALID');
    const bad = { a: { name: 'a', type: 'json' } } as any;
    expectBulwarkErrorSync(() => toSqlWhere({ exists: r('a') }, { columns: bad }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => toSqlWhere({ exists: r('a') }, { columns: { a: 'a' } as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(
      () => toSqlWhere({ exists: r('a') }, { columns: { a: { name: 'é'.repeat(32), type: 'text' } } }),
      'CONFIG_INVALID',
    );
  });
});

describe('filters of a policy with raised limits', () => {
  it('a filter 25 levels deep from a policy with maxConditionDepth 25 is accepted by matchesFilter and toSqlWhere', () => {
    let when: unknown = { eq: [r('ownerId'), { ref: 'subject.id' }] };
    for (let i = 0; i < 24; i++) when = { not: when };
    const policy = definePolicy(
      {
        roles: { u: {} },
        rules: [{ effect: 'allow', roles: ['u'], actions: ['read'], resources: ['doc'], when }],
      } as any,
      { limits: { maxConditionDepth: 25 } },
    );
    const subject = { id: 'u1', roles: ['u'] };
    expect(policy.can(subject, 'read', { type: 'doc', ownerId: 'u1' })).toBe(true);
    const filter = policy.filter(subject, 'read', 'doc');
    expect(matchesFilter(filter, { ownerId: 'u1' })).toBe(true);
    expect(matchesFilter(filter, { ownerId: 'u2' })).toBe(false);
    const where = toSqlWhere(filter, { columns });
    expect(where.values).toEqual(['u1']);
    expect(where.text).toBe(`${'(NOT '.repeat(24)}("owner_id" = $1::text)${')'.repeat(24)}`);
    // The same shape from anywhere else (a copy included) is still held to the fixed filter bounds.
    expectBulwarkErrorSync(() => matchesFilter(structuredClone(filter), { ownerId: 'u1' }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => toSqlWhere(structuredClone(filter), { columns }), 'INPUT_INVALID');
  });
});
