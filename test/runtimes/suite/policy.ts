import { definePolicy, matchesFilter, ownerCondition, type PolicyData, toSqlWhere } from 'bulwark/policy';
import { equal, ok, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';

const data: PolicyData = {
  roles: { viewer: {}, editor: { inherits: ['viewer'] } },
  rules: [
    { id: 'read', effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['doc'] },
    {
      id: 'own',
      effect: 'allow',
      roles: ['editor'],
      actions: ['update'],
      resources: ['doc'],
      when: ownerCondition(),
    },
    {
      id: 'office',
      effect: 'deny',
      roles: ['viewer'],
      actions: ['update'],
      resources: ['doc'],
      when: {
        not: {
          and: [
            { inCidr: [{ ref: 'context.ip' }, ['10.0.0.0/8', '2001:db8::/32']] },
            {
              timeWindow: [
                { ref: 'context.now' },
                { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', timeZone: 'Europe/Berlin' },
              ],
            },
          ],
        },
      },
    },
  ],
};
const WEDNESDAY_NOON = Date.UTC(2026, 0, 7, 11, 0);

export function policyCases(): ConformanceCase[] {
  const policy = definePolicy(data, { tenant: 'tenantId' });
  const ann = { id: 'ann', roles: ['editor'], tenantId: 't1' };
  const doc = { type: 'doc', ownerId: 'ann', tenantId: 't1' };
  const office = { ip: '10.1.2.3', now: WEDNESDAY_NOON };
  return [
    {
      name: 'RBAC with inheritance, ownership and tenant isolation',
      run: () => {
        equal(policy.can(ann, 'read', doc), true, 'inherited read');
        equal(policy.check(ann, 'update', doc, office).rule?.id, 'own', 'own document');
        equal(policy.can(ann, 'update', { ...doc, ownerId: 'bob' }, office), false, 'not the owner');
        equal(policy.can(ann, 'read', { ...doc, tenantId: 't2' }), false, 'other tenant');
        equal(policy.forSubject(ann).can('update', doc, office), true, 'bound subject');
      },
    },
    {
      name: 'CIDR (IPv4, IPv6, mapped) and time windows with a time zone (Intl)',
      run: () => {
        equal(policy.can(ann, 'update', doc, { ...office, ip: '2001:db8::7' }), true, 'IPv6 inside');
        equal(policy.can(ann, 'update', doc, { ...office, ip: '::ffff:10.0.0.1' }), true, 'IPv4-mapped');
        equal(policy.check(ann, 'update', doc, { ...office, ip: '192.168.0.1' }).rule?.id, 'office', 'outside network');
        equal(
          policy.can(ann, 'update', doc, { ...office, now: Date.UTC(2026, 0, 7, 17, 30) }),
          false,
          '18:30 in Berlin',
        );
        equal(policy.can(ann, 'update', doc, { ...office, now: Date.UTC(2026, 0, 10, 11, 0) }), false, 'Saturday');
      },
    },
    {
      name: 'prototype pollution and type confusion are inert',
      run: () => {
        const parsed = JSON.parse('{"id": "ann", "tenantId": "t1", "__proto__": {"roles": ["editor"]}}');
        equal(policy.can(parsed, 'read', doc), false, '__proto__ roles');
        equal(policy.can({ ...ann, id: 1 }, 'update', { ...doc, ownerId: '1' }, office), false, "'1' vs 1");
        equal(policy.can({ ...ann, roles: 'editor' }, 'read', doc), false, 'roles as a string');
      },
    },
    {
      name: 'filter, matchesFilter and toSqlWhere',
      run: () => {
        const filter = policy.filter(ann, 'update', 'doc', office);
        equal(matchesFilter(filter, doc), true, 'filter matches own doc');
        equal(matchesFilter(filter, { ...doc, ownerId: 'bob' }), false, 'filter refuses other doc');
        const where = toSqlWhere(filter, {
          columns: { ownerId: { name: 'owner_id', type: 'text' }, tenantId: { name: 'tenant_id', type: 'text' } },
        });
        equal(where.text, '(("tenant_id" = $1::text) AND ("owner_id" = $2::text))', 'SQL text');
        ok(where.values.length === 2 && where.values[0] === 't1' && where.values[1] === 'ann', 'SQL values');
      },
    },
    {
      name: 'invalid policies throw POLICY_INVALID',
      run: async () => {
        await throwsCode(
          () => definePolicy({ roles: { a: { inherits: ['a'] } }, rules: [] }),
          'POLICY_INVALID',
          'self-inheritance',
        );
        await throwsCode(
          () =>
            definePolicy({ roles: {}, rules: [{ effect: 'allow', roles: ['x'], actions: ['a'], resources: ['r'] }] }),
          'POLICY_INVALID',
          'undeclared role',
        );
      },
    },
  ];
}
