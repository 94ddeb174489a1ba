import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_LIMITS, definePolicy, ownerCondition } from '../../src/policy/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { sparse } from '../support/sparse.js';

const roles = { viewer: {}, editor: { inherits: ['viewer'] } };
const base = { effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['doc'] };
const withRule = (rule: Record<string, unknown>) => ({ roles, rules: [{ ...base, ...rule }] });
const withWhen = (when: unknown) => withRule({ when });

function problemsOf(data: unknown, options?: unknown): { path: string; message: string }[] {
  const error = expectBulwarkErrorSync(() => definePolicy(data as any, options as any), 'POLICY_INVALID') as any;
  return error.details.problems;
}

function expectProblem(data: unknown, path: string, message: RegExp, options?: unknown): void {
  const problems = problemsOf(data, options);
  expect(problems, JSON.stringify(problems)).toContainEqual({ path, message: expect.stringMatching(message) });
}

describe('definePolicy validation: every problem with its JSON path', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['not an object', 'nope', '$', /must be an object/],
    ['rules missing', { roles }, '$.rules', /must be a list/],
    ['unknown top-level field', { roles, rules: [], rule: [] }, '$.rule', /unknown policy field/],
    ['bad version', { version: 2, roles, rules: [] }, '$.version', /version must be 1/],
    ['roles not an object', { roles: [], rules: [] }, '$.roles', /roles must be an object/],
    ['role not an object', { roles: { a: 1 }, rules: [] }, '$.roles.a', /role must be an object/],
    ['unknown role field', { roles: { a: { parents: [] } }, rules: [] }, '$.roles.a.parents', /unknown role field/],
    ['inherits not a list', { roles: { a: { inherits: 'b' } }, rules: [] }, '$.roles.a.inherits', /list of role names/],
    [
      'inherits undeclared',
      { roles: { a: { inherits: ['b'] } }, rules: [] },
      '$.roles.a.inherits[0]',
      /undeclared role "b"/,
    ],
    [
      'inherits itself',
      { roles: { a: { inherits: ['a'] } }, rules: [] },
      '$.roles.a.inherits[0]',
      /cannot inherit itself/,
    ],
    [
      'cycle',
      { roles: { a: { inherits: ['b'] }, b: { inherits: ['c'] }, c: { inherits: ['a'] } }, rules: [] },
      '$.roles.c.inherits[0]',
      /cycle: a → b → c → a/,
    ],
    [
      'role name with spaces uses bracket path',
      { roles: { 'my role': { inherits: ['x'] } }, rules: [] },
      '$.roles["my role"].inherits[0]',
      /undeclared/,
    ],
    [
      'role description type',
      { roles: { a: { description: 1 } }, rules: [] },
      '$.roles.a.description',
      /must be a string/,
    ],
    ['rule not an object', { roles, rules: [1] }, '$.rules[0]', /rule must be an object/],
    ['unknown rule field', withRule({ condition: {} }), '$.rules[0].condition', /unknown rule field/],
    ['bad effect', withRule({ effect: 'permit' }), '$.rules[0].effect', /allow" or "deny/],
    ['roles empty', withRule({ roles: [] }), '$.rules[0].roles', /non-empty list/],
    ['undeclared role in rule', withRule({ roles: ['viewer', 'ghost'] }), '$.rules[0].roles[1]', /undeclared role/],
    ['action not a string', withRule({ actions: ['read', 3] }), '$.rules[0].actions[1]', /action must be a string/],
    [
      'control character in a name',
      withRule({ resources: ['do\nc'] }),
      '$.rules[0].resources[0]',
      /control characters/,
    ],
    ['fields empty', withRule({ fields: [] }), '$.rules[0].fields', /non-empty list/],
    ['crossTenant type', withRule({ crossTenant: 'yes' }), '$.rules[0].crossTenant', /boolean/],
    [
      'crossTenant on deny',
      withRule({ effect: 'deny', crossTenant: true }),
      '$.rules[0].crossTenant',
      /only allow rules/,
    ],
    ['description type', withRule({ description: 5 }), '$.rules[0].description', /must be a string/],
    ['condition not an object', withWhen('true'), '$.rules[0].when', /one operator/],
    [
      'condition with two operators',
      withWhen({ eq: [1, 1], ne: [1, 2] }),
      '$.rules[0].when',
      /exactly one operator, found 2/,
    ],
    [
      'unknown operator',
      withWhen({ and: [true, { regex: ['a', 'b'] }] }),
      '$.rules[0].when.and[1]',
      /unknown operator "regex"/,
    ],
    ['wrong arity', withWhen({ eq: [{ ref: 'subject.id' }] }), '$.rules[0].when.eq', /exactly two operands/],
    ['empty and', withWhen({ and: [] }), '$.rules[0].when.and', /non-empty list/],
    ['or not a list', withWhen({ or: { eq: [1, 1] } }), '$.rules[0].when.or', /non-empty list/],
    [
      'deep path',
      withWhen({ or: [true, { and: [true, { not: { lt: ['1', 2] } }] }] }),
      '$.rules[0].when.or[1].and[1].not.lt[0]',
      /must be a number/,
    ],
    ['null literal', withWhen({ eq: [{ ref: 'resource.x' }, null] }), '$.rules[0].when.eq[1]', /null is not a literal/],
    ['NaN literal', withWhen({ eq: [{ ref: 'resource.x' }, Number.NaN] }), '$.rules[0].when.eq[1]', /not NaN/],
    [
      'object literal',
      withWhen({ eq: [{ ref: 'resource.x' }, { value: 1 }] }),
      '$.rules[0].when.eq[1]',
      /must be a reference|exactly one key/,
    ],
    ['list where a scalar goes', withWhen({ eq: [{ ref: 'resource.x' }, [1]] }), '$.rules[0].when.eq[1]', /not a list/],
    ['in needs a list', withWhen({ in: [{ ref: 'resource.x' }, 'abc'] }), '$.rules[0].when.in[1]', /must be a list/],
    [
      'list item not a scalar',
      withWhen({ in: [{ ref: 'resource.x' }, ['a', {}]] }),
      '$.rules[0].when.in[1][1]',
      /list items/,
    ],
    [
      'startsWith needs strings',
      withWhen({ startsWith: [{ ref: 'resource.x' }, 1] }),
      '$.rules[0].when.startsWith[1]',
      /must be a string/,
    ],
    [
      'ref with extra key',
      withWhen({ exists: { ref: 'resource.x', default: 1 } }),
      '$.rules[0].when.exists',
      /exactly one key/,
    ],
    ['exists needs a ref', withWhen({ exists: 'resource.x' }), '$.rules[0].when.exists', /must be a reference/],
    ['ref root', withWhen({ exists: { ref: 'request.ip' } }), '$.rules[0].when.exists.ref', /must start with subject/],
    [
      'ref without attribute',
      withWhen({ exists: { ref: 'subject' } }),
      '$.rules[0].when.exists.ref',
      /must name an attribute/,
    ],
    [
      'ref __proto__',
      withWhen({ exists: { ref: 'subject.__proto__.role' } }),
      '$.rules[0].when.exists.ref',
      /forbidden/,
    ],
    [
      'ref constructor.prototype',
      withWhen({ exists: { ref: 'resource.constructor.prototype' } }),
      '$.rules[0].when.exists.ref',
      /forbidden/,
    ],
    [
      'ref with bracket syntax',
      withWhen({ exists: { ref: 'subject.roles[0]' } }),
      '$.rules[0].when.exists.ref',
      /identifier/,
    ],
    ['ref not a string', withWhen({ exists: { ref: 5 } }), '$.rules[0].when.exists.ref', /must be a string/],
    [
      'bad CIDR',
      withWhen({ inCidr: [{ ref: 'context.ip' }, ['10.0.0.0/8', '10.0.0.0/33']] }),
      '$.rules[0].when.inCidr[1][1]',
      /invalid prefix/,
    ],
    [
      'CIDR host bits',
      withWhen({ inCidr: [{ ref: 'context.ip' }, '10.0.0.1/8'] }),
      '$.rules[0].when.inCidr[1]',
      /bits set after/,
    ],
    [
      'CIDR not an address',
      withWhen({ inCidr: [{ ref: 'context.ip' }, 'localhost'] }),
      '$.rules[0].when.inCidr[1]',
      /not an IPv4 or IPv6/,
    ],
    [
      'CIDR ranges from a ref',
      withWhen({ inCidr: [{ ref: 'context.ip' }, { ref: 'subject.ranges' }] }),
      '$.rules[0].when.inCidr[1]',
      /literal CIDR/,
    ],
    [
      'CIDR empty list',
      withWhen({ inCidr: [{ ref: 'context.ip' }, []] }),
      '$.rules[0].when.inCidr[1]',
      /at least one range/,
    ],
    [
      'window not an object',
      withWhen({ timeWindow: [{ ref: 'context.now' }, 'office'] }),
      '$.rules[0].when.timeWindow[1]',
      /must be an object/,
    ],
    [
      'window bad time',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { from: '9:00', to: '17:00' }] }),
      '$.rules[0].when.timeWindow[1].from',
      /HH:MM/,
    ],
    [
      'window equal ends',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '09:00' }] }),
      '$.rules[0].when.timeWindow[1].to',
      /must differ/,
    ],
    [
      'window bad day',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '17:00', days: ['mon', 'funday'] }] }),
      '$.rules[0].when.timeWindow[1].days[1]',
      /day must be/,
    ],
    [
      'window bad zone',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '17:00', timeZone: 'Mars/Olympus' }] }),
      '$.rules[0].when.timeWindow[1].timeZone',
      /IANA/,
    ],
    [
      'window unknown field',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '17:00', tz: 'UTC' }] }),
      '$.rules[0].when.timeWindow[1].tz',
      /unknown time window field/,
    ],
    [
      'window instant literal',
      withWhen({ timeWindow: ['now', { from: '09:00', to: '17:00' }] }),
      '$.rules[0].when.timeWindow[0]',
      /must be a number/,
    ],
  ];
  for (const [name, data, path, message] of cases) {
    it(name, () => expectProblem(data, path, message));
  }

  it('lists every problem at once, in document order', () => {
    const problems = problemsOf({
      roles: { a: { inherits: ['zzz'] } },
      rules: [
        {
          effect: 'allow',
          roles: ['a'],
          actions: ['read'],
          resources: ['doc'],
          when: { and: [{ eq: [1] }, { lt: ['x', 1] }] },
        },
        { effect: 'maybe', roles: ['b'], actions: [], resources: ['doc'] },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '$.roles.a.inherits[0]',
      '$.rules[0].when.and[0].eq',
      '$.rules[0].when.and[1].lt[0]',
      '$.rules[1].effect',
      '$.rules[1].roles[0]',
      '$.rules[1].actions',
    ]);
  });

  it('duplicate rule ids are refused', () => {
    expectProblem(
      {
        roles,
        rules: [
          { ...base, id: 'x' },
          { ...base, id: 'x' },
        ],
      },
      '$.rules[1].id',
      /not unique/,
    );
  });

  it('declared resources: undeclared types, actions and fields are refused', () => {
    const resources = { doc: { actions: ['read'], fields: ['title'] } };
    expectProblem(
      { roles, resources, rules: [{ ...base, resources: ['note'] }] },
      '$.rules[0].resources[0]',
      /undeclared resource type/,
    );
    expectProblem(
      { roles, resources, rules: [{ ...base, actions: ['read', 'delete'] }] },
      '$.rules[0].actions[1]',
      /not declared for resource "doc"/,
    );
    expectProblem(
      { roles, resources, rules: [{ ...base, fields: ['secret'] }] },
      '$.rules[0].fields[0]',
      /not declared/,
    );
    expectProblem({ roles, resources: { doc: { actions: [] } }, rules: [] }, '$.resources.doc.actions', /non-empty/);
    expectProblem(
      { roles, resources: { doc: { actions: ['read'], owner: 'x' } }, rules: [] },
      '$.resources.doc.owner',
      /unknown resource field/,
    );
    expectProblem({ roles, resources: [], rules: [] }, '$.resources', /must be an object/);
    expectProblem({ roles, resources: { doc: 1 }, rules: [] }, '$.resources.doc', /must be an object/);
  });

  it('bounds are checked before other work', () => {
    const rules = Array.from({ length: 11 }, () => ({ nonsense: true }));
    expect(problemsOf({ roles, rules }, { limits: { maxRules: 10 } })).toEqual([
      { path: '$.rules', message: 'more than 10 rules' },
    ]);
    expectProblem({ roles: { a: {}, b: {}, c: {} }, rules: [] }, '$.roles', /more than 2 roles/, {
      limits: { maxRoles: 2 },
    });
    let deep: unknown = { eq: [1, 1] };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    expectProblem(withWhen(deep), `$.rules[0].when${'.not'.repeat(16)}`, /deeper than 16/);
    expectProblem(
      withWhen({ eq: [{ ref: 'resource.x' }, 'x'.repeat(1025)] }),
      '$.rules[0].when.eq[1]',
      /longer than 1024/,
    );
    expectProblem(
      withWhen({ in: [{ ref: 'resource.x' }, Array(1001).fill(1)] }),
      '$.rules[0].when.in[1]',
      /longer than 1000 items/,
    );
    expectProblem(withWhen({ and: [true, true, true] }), '$.rules[0].when.and[1]', /more than 2 nodes/, {
      limits: { maxConditionNodes: 2 },
    });
  });

  it('a policy that is not plain data is refused', () => {
    expectProblem({ roles, rules: [{ ...base, when: () => true }] }, '$', /plain JSON-compatible/);
  });

  it('bad options are CONFIG_INVALID', () => {
    const ok = { roles, rules: [] };
    expectBulwarkErrorSync(() => definePolicy(ok as any, 5 as any), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { tenant: 'a.b' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { tenant: '__proto__' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { tenant: { subject: 'tenantId' } as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { tenant: 3 as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { resourceTypeKey: 'constructor' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { onDecision: 'log' as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { now: 1 as any }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => definePolicy(ok as any, { limits: { maxRules: 0 } }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => ownerCondition('owner.__proto__'), 'CONFIG_INVALID');
  });

  it('the defaults are frozen and the source is copied and frozen', () => {
    expect(Object.isFrozen(DEFAULT_POLICY_LIMITS)).toBe(true);
    const data = { roles: { viewer: {} }, rules: [{ ...base }] };
    const policy = definePolicy(data as any);
    (data.rules[0] as any).roles = ['nobody'];
    expect(policy.can({ roles: ['viewer'] }, 'read', 'doc')).toBe(true);
    expect(Object.isFrozen(policy.data.rules[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(policy.data))).toEqual({ roles: { viewer: {} }, rules: [base] });
  });

  it('the error message names the first problem and carries no subject data', () => {
    const error = expectBulwarkErrorSync(() => definePolicy(withWhen({ foo: 1 }) as any), 'POLICY_INVALID');
    expect(error.message).toMatch(/1 problem\(s\); first at \$\.rules\[0\]\.when: unknown operator "foo"/);
  });
});

describe('every list in a policy must be dense', () => {
  const hole = /hole/;
  const cases: [string, unknown, string][] = [
    ['rules', { roles, rules: sparse(2, { 1: base }) }, '$.rules[0]'],
    ['rule roles', withRule({ roles: sparse(2, { 0: 'viewer' }) }), '$.rules[0].roles[1]'],
    ['rule actions', withRule({ actions: sparse(3, { 0: 'read' }) }), '$.rules[0].actions[1]'],
    ['rule resources', withRule({ resources: sparse(2, { 1: 'doc' }) }), '$.rules[0].resources[0]'],
    ['rule fields', withRule({ fields: sparse(2, { 0: 'a' }) }), '$.rules[0].fields[1]'],
    ['inherits', { roles: { a: {}, b: { inherits: sparse(2, { 0: 'a' }) } }, rules: [] }, '$.roles.b.inherits[1]'],
    [
      'declared actions',
      { roles, resources: { doc: { actions: sparse(2, { 0: 'read' }) } }, rules: [] },
      '$.resources.doc.actions[1]',
    ],
    [
      'declared fields',
      { roles, resources: { doc: { actions: ['read'], fields: sparse(2, { 1: 'a' }) } }, rules: [] },
      '$.resources.doc.fields[0]',
    ],
    ['or', withWhen({ or: sparse(1) }), '$.rules[0].when.or[0]'],
    ['and', withWhen({ and: sparse(2, { 0: true }) }), '$.rules[0].when.and[1]'],
    ['operand pair', withWhen({ eq: sparse(2, { 1: 'x' }) }), '$.rules[0].when.eq[0]'],
    ['in list', withWhen({ in: [{ ref: 'resource.x' }, sparse(2, { 0: 'a' })] }), '$.rules[0].when.in[1][1]'],
    ['nin list', withWhen({ nin: [{ ref: 'resource.x' }, sparse(2, { 1: 'a' })] }), '$.rules[0].when.nin[1][0]'],
    [
      'inCidr ranges',
      withWhen({ inCidr: [{ ref: 'context.ip' }, sparse(2, { 0: '10.0.0.0/8' })] }),
      '$.rules[0].when.inCidr[1][1]',
    ],
    [
      'timeWindow days',
      withWhen({ timeWindow: [{ ref: 'context.now' }, { days: sparse(2, { 0: 'mon' }), from: '09:00', to: '17:00' }] }),
      '$.rules[0].when.timeWindow[1].days[1]',
    ],
    [
      'timeWindow pair',
      withWhen({ timeWindow: sparse(2, { 0: { ref: 'context.now' } }) }),
      '$.rules[0].when.timeWindow[1]',
    ],
  ];
  it.each(cases)('a hole in %s is refused at its path', (_name, data, path) => {
    expectProblem(data, path, hole);
  });

  it('`or: [ , ]` is not an unconditional allow and `actions: [x, , ]` grants no action "undefined"', () => {
    expect(problemsOf(withWhen({ or: sparse(1) }))).toEqual([
      { path: '$.rules[0].when.or[0]', message: expect.stringMatching(hole) },
    ]);
    expect(problemsOf(withRule({ actions: sparse(3, { 0: 'read' }) })).map((p) => p.path)).toEqual([
      '$.rules[0].actions[1]',
      '$.rules[0].actions[2]',
    ]);
  });

  it('a huge sparse list is refused by its length before its items are visited', () => {
    const started = Date.now();
    expectProblem(withRule({ actions: sparse(2 ** 31, { 0: 'read' }) }), '$.rules[0].actions', /longer than 1000/);
    expectProblem({ roles: { a: { inherits: sparse(2 ** 31) } }, rules: [] }, '$.roles.a.inherits', /longer than/);
    expectProblem(
      withWhen({ inCidr: [{ ref: 'context.ip' }, sparse(2 ** 31)] }),
      '$.rules[0].when.inCidr[1]',
      /longer/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('the compiled index is bounded before it is built', () => {
  it("refuses the reviewer's repro (200 heirs × 150 actions × 150 types) quickly, with POLICY_INVALID", () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const heirs = Object.fromEntries(names('r', 200).map((r) => [r, { inherits: ['base'] }]));
    const problems = problemsOf({
      roles: { base: {}, ...heirs },
      rules: [{ effect: 'allow', roles: ['base'], actions: names('a', 150), resources: names('t', 150) }],
    });
    expect(problems).toEqual([
      { path: '$.rules', message: expect.stringMatching(/limits\.maxIndexEntries \(1000000\)/) },
    ]);
    expect(DEFAULT_POLICY_LIMITS.maxIndexEntries).toBe(1_000_000);
  });

  it('counts each list once de-duplicated, inheritance included, and honours a raised limit', () => {
    const data = {
      roles: { viewer: {}, editor: { inherits: ['viewer'] } },
      rules: [{ effect: 'allow', roles: ['viewer', 'viewer'], actions: ['a', 'b', 'a'], resources: ['d', 'd'] }],
    };
    // 2 roles reach viewer's grants × 2 actions × 1 type = 4 entries.
    expect(definePolicy(data as any, { limits: { maxIndexEntries: 4 } }).can({ roles: ['editor'] }, 'b', 'd')).toBe(
      true,
    );
    expectProblem(data, '$.rules', /maxIndexEntries \(3\)/, { limits: { maxIndexEntries: 3 } });
    expectProblem(withRule({ actions: Array(1001).fill('read') }), '$.rules[0].actions', /longer than 1000/);
    definePolicy(withRule({ actions: Array(1001).fill('read') }) as any, { limits: { maxListLength: 1001 } });
  });

  it('a rule whose roles are all undeclared still counts types × (actions + fields) against the bound', () => {
    // It adds no index entry, but checking its names against the declared resources walks every pair.
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const resources = Object.fromEntries(names('t', 20).map((t) => [t, { actions: names('a', 20) }]));
    const rule = { effect: 'allow', roles: ['ghost'], actions: names('a', 20), resources: names('t', 20) };
    expectProblem({ roles, resources, rules: [rule] }, '$.rules', /maxIndexEntries \(100\)/, {
      limits: { maxIndexEntries: 100 },
    });
  });

  it('one rule naming many undeclared actions stops adding problems once the report is full', () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const resources = Object.fromEntries(names('t', 100).map((t) => [t, { actions: ['read'] }]));
    const rule = { effect: 'allow', roles: ['viewer'], actions: names('x', 100), resources: names('t', 100) };
    const error = expectBulwarkErrorSync(
      () => definePolicy({ roles, resources, rules: [rule] } as any),
      'POLICY_INVALID',
    ) as any;
    // 10,000 undeclared (type, action) pairs; the walk stops at the first type after 1,000 problems.
    expect(error.details.problems).toHaveLength(1000);
    expect(error.message).toMatch(/policy is invalid: 1100 problem/);
  });

  it('a 10,000-rule policy (the benchmark shape) is accepted by default', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => ({
      effect: i % 7 === 0 ? ('deny' as const) : ('allow' as const),
      roles: [['viewer', 'editor', 'admin'][i % 3]!],
      actions: [`action${i % 40}`],
      resources: [`type${i % 250}`],
    }));
    const policy = definePolicy({
      roles: { viewer: {}, editor: { inherits: ['viewer'] }, admin: { inherits: ['editor'] } },
      rules,
    });
    expect(policy.check({ roles: ['admin'] }, 'action0', 'type0').reason).toBe('denied-by-rule');
    expect(policy.check({ roles: ['viewer'] }, 'action5', 'type5').reason).toBe('allowed-by-rule');
  });
});

describe('error messages never fail to describe a value', () => {
  it('a BigInt or a cyclic list in inherits is a problem, not a TypeError', () => {
    expectProblem(
      { roles: { a: { inherits: [1n] } }, rules: [] },
      '$.roles.a.inherits[0]',
      /role names, found a bigint/,
    );
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expectProblem({ roles: { a: { inherits: [cycle] } }, rules: [] }, '$.roles.a.inherits[0]', /found a list/);
    expectProblem({ roles: { a: { inherits: [null] } }, rules: [] }, '$.roles.a.inherits[0]', /found null/);
  });
});

describe('role inheritance is flattened in bounded work', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);

  it('reports the first 100 inheritance cycles and counts the rest', () => {
    // 30 roles that each inherit all the others: 435 cycles. Spelling every one out was cubic work.
    const all = names(30);
    const problems = problemsOf({
      roles: Object.fromEntries(all.map((r) => [r, { inherits: all.filter((p) => p !== r) }])),
      rules: [],
    });
    expect(problems.filter((p) => /role inheritance cycle/.test(p.message))).toHaveLength(100);
    expect(problems).toContainEqual({ path: '$.roles', message: '335 more inheritance cycles not listed' });
  });

  it('flattens a DAG of 40 roles, each inheriting every earlier one, exactly (more than 32: several bit words)', () => {
    const all = names(40);
    const policy = definePolicy({
      roles: Object.fromEntries(all.map((r, i) => [r, { inherits: all.slice(0, i) }])),
      rules: all.map((r, i) => ({ effect: 'allow' as const, roles: [r], actions: [`a${i}`], resources: ['doc'] })),
    });
    for (const [holder, action, allowed] of [
      ['r39', 'a0', true],
      ['r39', 'a31', true],
      ['r39', 'a32', true],
      ['r33', 'a32', true],
      ['r32', 'a33', false],
      ['r0', 'a39', false],
      ['r31', 'a32', false],
      ['r5', 'a5', true],
    ] as const) {
      expect(policy.can({ roles: [holder] }, action, 'doc'), `${holder} ${action}`).toBe(allowed);
    }
  });
});
