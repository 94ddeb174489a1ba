import { describe, expect, it } from 'vitest';
import {
  definePolicy,
  matchesFilter,
  ownerCondition,
  type PolicyData,
  type PolicyDecisionEvent,
} from '../../src/policy/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

const data: PolicyData = {
  roles: { viewer: {}, editor: { inherits: ['viewer'] }, admin: { inherits: ['editor'] }, auditor: {}, support: {} },
  resources: {
    invoice: { actions: ['read', 'update', 'delete'], fields: ['id', 'amount', 'ownerId', 'tenantId', 'internalNote'] },
    report: { actions: ['read'] },
  },
  rules: [
    { id: 'read', effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['invoice'] },
    {
      id: 'edit-own',
      effect: 'allow',
      roles: ['editor'],
      actions: ['update'],
      resources: ['invoice'],
      when: ownerCondition(),
    },
    { id: 'admin-all', effect: 'allow', roles: ['admin'], actions: ['update', 'delete'], resources: ['invoice'] },
    {
      id: 'locked',
      effect: 'deny',
      roles: ['viewer'],
      actions: ['update', 'delete'],
      resources: ['invoice'],
      when: { eq: [{ ref: 'resource.locked' }, true] },
    },
    {
      id: 'no-notes',
      effect: 'deny',
      roles: ['viewer'],
      actions: ['read'],
      resources: ['invoice'],
      fields: ['internalNote'],
    },
    {
      id: 'audit',
      effect: 'allow',
      roles: ['auditor'],
      actions: ['read'],
      resources: ['invoice'],
      fields: ['id', 'amount'],
    },
    {
      id: 'support',
      effect: 'allow',
      roles: ['support'],
      actions: ['read'],
      resources: ['invoice'],
      crossTenant: true,
    },
    { effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['report'] },
  ],
};

const policy = definePolicy(data, { tenant: 'tenantId' });
const ann = { id: 'ann', roles: ['editor'], tenantId: 't1' };
const invoice = (over: object = {}) => ({
  type: 'invoice',
  id: 7,
  amount: 10,
  ownerId: 'ann',
  tenantId: 't1',
  internalNote: 'n',
  ...over,
});

/** The two audit events of an allowed `update` of `resource` (with context) then an unknown `publish` action. */
function expectUpdateThenPublish(events: PolicyDecisionEvent[], resource: unknown): void {
  expect(events[0]).toMatchObject({
    allowed: true,
    reason: 'allowed-by-rule',
    action: 'update',
    resourceType: 'invoice',
    subject: ann,
    resource,
    context: { ip: '10.0.0.1' },
  });
  expect(events[0]?.rule?.id).toBe('edit-own');
  expect(events[1]).toMatchObject({ allowed: false, reason: 'unknown-action', rule: null, resourceType: 'invoice' });
}
describe('decisions', () => {
  it('allows through inheritance and explains which rule decided', () => {
    expect(policy.check(ann, 'read', invoice())).toEqual({
      allowed: true,
      reason: 'allowed-by-rule',
      rule: { index: 0, id: 'read', effect: 'allow', path: '$.rules[0]' },
      explanation: 'allowed by rule "read" ($.rules[0])',
    });
    expect(policy.can({ ...ann, roles: ['admin'] }, 'read', invoice())).toBe(true);
  });

  it('consecutive checks stay exact when the type, the action or both change (last-lookup reuse)', () => {
    // A fresh policy, so the sequence starts from an empty last-lookup; each step differs from the one before it
    // in the type, the action or both, and a reuse keyed on only one of them would answer from the wrong table.
    const fresh = definePolicy(data, { tenant: 'tenantId' });
    const viewer = { ...ann, roles: ['viewer'] };
    const auditor = { ...ann, roles: ['auditor'] };
    const report = { type: 'report', tenantId: 't1' };
    const steps: [unknown, unknown, unknown, string][] = [
      [viewer, undefined, { id: 1 }, 'unknown-resource-type'], // neither name a string, before any lookup
      [viewer, 'read', invoice(), 'allowed-by-rule'],
      [viewer, 'read', invoice(), 'allowed-by-rule'],
      [viewer, 'update', invoice(), 'no-matching-rule'], // same type, new action
      [auditor, 'read', invoice(), 'allowed-by-rule'],
      [auditor, 'read', report, 'no-matching-rule'], // same action, new type
      [viewer, 'read', report, 'allowed-by-rule'],
      [viewer, 'publish', report, 'unknown-action'],
      [viewer, 42, report, 'unknown-action'], // a non-string action after a cached one
      [viewer, 'read', { type: 'nope' }, 'unknown-resource-type'],
      [viewer, 'read', report, 'allowed-by-rule'],
      [ann, 'update', invoice(), 'allowed-by-rule'],
      [ann, 'update', invoice({ ownerId: 'bob' }), 'no-matching-rule'],
    ];
    // Each step twice: the second check runs on whatever the first left behind, so a failed lookup that was kept
    // (an unknown action or type cached as if found) changes its reason.
    for (const [subject, action, resource, reason] of steps) {
      expect(fresh.check(subject, action as string, resource as never).reason).toBe(reason);
      expect(fresh.check(subject, action as string, resource as never).reason).toBe(reason);
      expect(fresh.can(subject, action as string, resource as never)).toBe(reason === 'allowed-by-rule');
    }
    // The same steps through each subject's forSubject binding, which caches each (type, action) per subject.
    const bound = new Map<unknown, ReturnType<typeof fresh.forSubject>>();
    for (const [subject, action, resource, reason] of steps) {
      if (!bound.has(subject)) bound.set(subject, fresh.forSubject(subject));
      const b = bound.get(subject)!;
      expect(b.check(action as string, resource as never).reason).toBe(reason);
      expect(b.check(action as string, resource as never).reason).toBe(reason);
      expect(b.can(action as string, resource as never)).toBe(reason === 'allowed-by-rule');
    }
  });

  it('ownership: editors update their own invoices only (BOLA)', () => {
    expect(policy.check(ann, 'update', invoice()).rule?.id).toBe('edit-own');
    expect(policy.check(ann, 'update', invoice({ ownerId: 'bob' }))).toMatchObject({
      allowed: false,
      reason: 'no-matching-rule',
      rule: null,
    });
  });

  it('deny overrides allow, and the explanation names the deny', () => {
    const decision = policy.check({ ...ann, roles: ['admin'] }, 'delete', invoice({ locked: true }));
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'denied-by-rule',
      rule: { id: 'locked', effect: 'deny' },
    });
    expect(decision.explanation).toBe('denied by rule "locked" ($.rules[3])');
  });

  it('a rule without an id is explained by its path', () => {
    expect(
      policy.check({ roles: ['viewer'], tenantId: 't1' }, 'read', { type: 'report', tenantId: 't1' }).explanation,
    ).toBe('allowed by rule $.rules[7]');
  });

  it('default deny, with the reason spelled out', () => {
    expect(policy.check(ann, 'publish', invoice()).reason).toBe('unknown-action');
    expect(policy.check(ann, 'read', { type: 'payroll' }).reason).toBe('unknown-resource-type');
    expect(policy.check(ann, 'read', { kind: 'invoice' }).reason).toBe('unknown-resource-type');
    expect(policy.check({ roles: ['root'] }, 'read', invoice()).reason).toBe('no-known-role');
    expect(policy.check({ roles: 'viewer' }, 'read', invoice()).reason).toBe('no-known-role');
    expect(policy.check({}, 'read', invoice()).reason).toBe('no-known-role');
    expect(policy.check(null, 'read', invoice()).reason).toBe('no-known-role');
    expect(policy.check({ roles: ['auditor'] }, 'delete', invoice()).reason).toBe('no-matching-rule');
    expect(policy.check({ roles: ['auditor', 'ghost'] }, 'delete', invoice()).reason).toBe('no-matching-rule');
  });

  it('several roles: a deny reached through any role wins', () => {
    const both = { id: 'x', roles: ['auditor', 'admin'], tenantId: 't1' };
    expect(policy.can(both, 'delete', invoice())).toBe(true);
    expect(policy.check(both, 'delete', invoice({ locked: true })).rule?.id).toBe('locked');
  });

  it('tenant isolation: no allow rule matches across tenants unless it opts out', () => {
    expect(policy.can(ann, 'read', invoice({ tenantId: 't2' }))).toBe(false);
    expect(policy.can({ ...ann, roles: ['admin'] }, 'delete', invoice({ tenantId: 't2' }))).toBe(false);
    expect(policy.can({ ...ann, tenantId: undefined }, 'read', invoice({ tenantId: undefined }))).toBe(false);
    expect(policy.can({ ...ann, tenantId: 1 }, 'read', invoice({ tenantId: '1' }))).toBe(false);
    expect(policy.can({ ...ann, roles: ['viewer'] }, 'read', 'invoice')).toBe(false);
    expect(policy.check({ id: 's', roles: ['support'], tenantId: 'ops' }, 'read', invoice()).rule?.id).toBe('support');
  });

  it('tenant option with different attribute names', () => {
    const p = definePolicy(
      { roles: { user: {} }, rules: [{ effect: 'allow', roles: ['user'], actions: ['read'], resources: ['doc'] }] },
      { tenant: { subject: 'orgId', resource: 'organizationId' } },
    );
    expect(p.can({ roles: ['user'], orgId: 'o1' }, 'read', { type: 'doc', organizationId: 'o1' })).toBe(true);
    expect(p.can({ roles: ['user'], orgId: 'o1' }, 'read', { type: 'doc', organizationId: 'o2' })).toBe(false);
  });

  it('resourceTypeKey reads the type from another property', () => {
    const p = definePolicy(
      { roles: { user: {} }, rules: [{ effect: 'allow', roles: ['user'], actions: ['read'], resources: ['doc'] }] },
      { resourceTypeKey: 'kind' },
    );
    expect(p.can({ roles: ['user'] }, 'read', { kind: 'doc', type: 'pdf' })).toBe(true);
    expect(p.can({ roles: ['user'] }, 'read', { type: 'doc' })).toBe(false);
  });

  it('onDecision receives every decision with the rule; a throwing hook fails the check', () => {
    const events: PolicyDecisionEvent[] = [];
    const p = definePolicy(data, { tenant: 'tenantId', onDecision: (e) => events.push(e) });
    const resource = invoice();
    p.can(ann, 'update', resource, { ip: '10.0.0.1' });
    p.check(ann, 'publish', 'invoice');
    expectUpdateThenPublish(events, resource);
    const failing = definePolicy(data, {
      onDecision: () => {
        throw new Error('audit log down');
      },
    });
    expect(() => failing.can(ann, 'read', invoice())).toThrow('audit log down');
  });

  it('onDecision also receives forSubject decisions; a throwing hook fails the bound check', () => {
    const events: PolicyDecisionEvent[] = [];
    const bound = definePolicy(data, { tenant: 'tenantId', onDecision: (e) => events.push(e) }).forSubject(ann);
    const resource = invoice();
    expect(bound.can('update', resource, { ip: '10.0.0.1' })).toBe(true);
    expect(bound.check('publish', 'invoice').reason).toBe('unknown-action');
    expect(events).toHaveLength(2);
    expectUpdateThenPublish(events, resource);
    const failing = definePolicy(data, {
      onDecision: () => {
        throw new Error('audit log down');
      },
    }).forSubject(ann);
    expect(() => failing.can('read', invoice())).toThrow('audit log down');
    expect(() => failing.check('read', invoice())).toThrow('audit log down');
  });

  it('forSubject stays correct past its bounded cache of unknown types and actions', () => {
    const bound = policy.forSubject(ann);
    for (let i = 0; i < 600; i++) {
      expect(bound.check(`action-${i}`, invoice()).reason).toBe('unknown-action');
      expect(bound.check('read', { type: `type-${i}` }).reason).toBe('unknown-resource-type');
    }
    expect(bound.can('read', invoice())).toBe(true);
    expect(bound.check('read', { kind: 'invoice' }).reason).toBe('unknown-resource-type');
  });

  it('decisions are frozen and shared, so callers cannot tamper with them', () => {
    const d = policy.check(ann, 'read', invoice());
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.rule)).toBe(true);
  });
});

describe('fields (BOPLA)', () => {
  it('a field-scoped deny withholds fields but keeps the action', () => {
    expect(policy.permittedFields(ann, 'read', invoice())).toEqual(['id', 'amount', 'ownerId', 'tenantId']);
    expect(policy.can(ann, 'read', invoice())).toBe(true);
  });

  it('an allow rule with fields grants only those', () => {
    const auditor = { roles: ['auditor'], tenantId: 't1' };
    expect(policy.permittedFields(auditor, 'read', invoice())).toEqual(['id', 'amount']);
    expect(policy.pickPermitted(auditor, 'read', invoice())).toEqual({ id: 7, amount: 10 });
  });

  it('no fields when the action is denied or not allowed', () => {
    expect(policy.permittedFields(ann, 'delete', invoice())).toEqual([]);
    expect(policy.permittedFields({ ...ann, roles: ['admin'] }, 'delete', invoice({ locked: true }))).toEqual([]);
    expect(policy.pickPermitted(ann, 'read', invoice({ tenantId: 't2' }))).toEqual({});
  });

  it('without declared fields the resource own keys are the universe; __proto__ stays a plain field', () => {
    const p = definePolicy({
      roles: { user: {} },
      rules: [{ effect: 'allow', roles: ['user'], actions: ['read'], resources: ['doc'] }],
    });
    const row = JSON.parse('{"type":"doc","title":"t","__proto__":{"admin":true}}');
    expect(p.permittedFields({ roles: ['user'] }, 'read', row)).toEqual(['type', 'title', '__proto__']);
    const picked = p.pickPermitted({ roles: ['user'] }, 'read', row) as Record<string, unknown>;
    expect(Object.getPrototypeOf(picked)).toBe(Object.prototype);
    expect(picked.admin).toBeUndefined();
    expect(Object.hasOwn(picked, '__proto__')).toBe(true);
    expect(p.permittedFields({ roles: ['user'] }, 'read', 'doc')).toEqual([]);
  });
});

describe('filter', () => {
  it('always-true, always-false and conditional filters', () => {
    const admin = { id: 'x', roles: ['admin'], tenantId: 't1' };
    expect(definePolicy(data).filter(admin, 'read', 'invoice')).toBe(true);
    expect(policy.filter(admin, 'publish', 'invoice')).toBe(false);
    expect(policy.filter({ roles: [] }, 'read', 'invoice')).toBe(false);
    expect(policy.filter(ann, 'update', 'invoice')).toEqual({
      and: [
        { and: [{ eq: [{ ref: 'resource.tenantId' }, 't1'] }, { eq: [{ ref: 'resource.ownerId' }, 'ann'] }] },
        { not: { eq: [{ ref: 'resource.locked' }, true] } },
      ],
    });
  });

  it('folds comparisons that the subject decides', () => {
    const p = definePolicy({
      roles: { user: {} },
      rules: [
        {
          effect: 'allow',
          roles: ['user'],
          actions: ['read'],
          resources: ['doc'],
          when: {
            or: [{ eq: [{ ref: 'subject.level' }, 9] }, { in: [{ ref: 'resource.group' }, { ref: 'subject.groups' }] }],
          },
        },
      ],
    });
    expect(p.filter({ roles: ['user'], level: 9 }, 'read', 'doc')).toBe(true);
    expect(p.filter({ roles: ['user'], level: 1, groups: ['g', { x: 1 }, 2] }, 'read', 'doc')).toEqual({
      in: [{ ref: 'resource.group' }, ['g', 2]],
    });
    expect(p.filter({ roles: ['user'], level: 1, groups: 'g' }, 'read', 'doc')).toBe(false);
    expect(p.filter({ roles: ['user'] }, 'read', 'doc')).toBe(false);
  });

  it('filters are frozen data, reusable across rows', () => {
    const filter = policy.filter(ann, 'update', 'invoice');
    expect(Object.isFrozen(filter)).toBe(true);
    const rows = [invoice(), invoice({ ownerId: 'bob' }), invoice({ locked: true }), invoice({ tenantId: 't2' })];
    expect(rows.map((row) => matchesFilter(filter, row))).toEqual([true, false, false, false]);
    expect(rows.map((row) => policy.can(ann, 'update', row))).toEqual([true, false, false, false]);
  });

  it('matchesFilter validates its input', () => {
    expectBulwarkErrorSync(() => matchesFilter({ eq: [{ ref: 'subject.id' }, 1] } as any, {}), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => matchesFilter({ nope: 1 } as any, {}), 'INPUT_INVALID');
    expect(matchesFilter({ eq: [{ ref: 'resource.a' }, 1] }, { a: 1 })).toBe(true);
    expect(matchesFilter(false, { a: 1 })).toBe(false);
  });
});
