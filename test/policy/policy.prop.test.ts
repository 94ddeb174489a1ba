import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, matchesFilter } from '../../src/policy/index.js';
import { ACTIONS, NOW, policyData, request, rule, TYPES, tenantOption } from './arbitraries.js';
import { decideReference } from './reference.js';

const options = (tenant: string | undefined) => ({ now: () => NOW, ...(tenant === undefined ? {} : { tenant }) });
const RUNS = { numRuns: Number(process.env.POLICY_PROP_RUNS ?? 300) };

describe('policy properties (random policies and requests)', () => {
  it('can agrees with an independent reference evaluator', () => {
    fc.assert(
      fc.property(
        policyData,
        tenantOption,
        fc.array(request, { minLength: 1, maxLength: 5 }),
        (data, tenant, requests) => {
          const policy = definePolicy(data as any, options(tenant));
          for (const q of requests) {
            const expected = decideReference(data, q.subject, q.action, q.resource, q.context, { tenant, now: NOW });
            expect(policy.can(q.subject, q.action, q.resource, q.context)).toBe(expected);
            expect(policy.check(q.subject, q.action, q.resource, q.context).allowed).toBe(expected);
          }
        },
      ),
      RUNS,
    );
  });

  it('adding a deny rule never grants anything', () => {
    fc.assert(
      fc.property(policyData, rule, fc.nat(), tenantOption, request, (data, extra, at, tenant, q) => {
        const deny = { ...extra, effect: 'deny' };
        delete (deny as Record<string, unknown>).crossTenant;
        const rules = [...data.rules];
        rules.splice(at % (rules.length + 1), 0, deny);
        const before = definePolicy(data as any, options(tenant)).can(q.subject, q.action, q.resource, q.context);
        const after = definePolicy({ ...data, rules } as any, options(tenant)).can(
          q.subject,
          q.action,
          q.resource,
          q.context,
        );
        expect(after && !before).toBe(false);
      }),
      RUNS,
    );
  });

  it('a role grants a superset of what each parent grants (denies that reach the parent too)', () => {
    fc.assert(
      fc.property(policyData, tenantOption, request, (data, tenant, q) => {
        const roles = data.roles as Record<string, { inherits?: string[] }>;
        for (const [child, definition] of Object.entries(roles)) {
          for (const parent of definition.inherits ?? []) {
            // A deny naming only the child (not the parent) may legitimately narrow the child.
            const ancestors = new Set<string>();
            const walk = (r: string) => {
              ancestors.add(r);
              for (const p of roles[r]?.inherits ?? []) walk(p);
            };
            walk(parent);
            const rules = data.rules.filter(
              (r: any) => r.effect === 'allow' || r.roles.some((x: string) => ancestors.has(x)),
            );
            const policy = definePolicy({ ...data, rules } as any, options(tenant));
            const asParent = policy.can({ ...q.subject, roles: [parent] }, q.action, q.resource, q.context);
            const asChild = policy.can({ ...q.subject, roles: [child] }, q.action, q.resource, q.context);
            if (asParent) expect(asChild).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('removing every allow rule denies everything', () => {
    fc.assert(
      fc.property(policyData, tenantOption, request, (data, tenant, q) => {
        const rules = data.rules.filter((r: any) => r.effect === 'deny');
        const policy = definePolicy({ ...data, rules } as any, options(tenant));
        expect(policy.can(q.subject, q.action, q.resource, q.context)).toBe(false);
        expect(policy.filter(q.subject, q.action, q.resource.type, q.context)).toBe(false);
      }),
      RUNS,
    );
  });

  it('filter evaluated on a resource agrees with can on that resource', () => {
    fc.assert(
      fc.property(policyData, tenantOption, request, fc.constantFrom(...TYPES), (data, tenant, q, type) => {
        const policy = definePolicy(data as any, options(tenant));
        const resource = { ...q.resource, type };
        const filter = policy.filter(q.subject, q.action, type, q.context);
        expect(matchesFilter(filter, resource)).toBe(policy.can(q.subject, q.action, resource, q.context));
        // The filter is plain data over resource attributes only.
        expect(JSON.stringify(filter)).not.toMatch(/"(subject|context)\./);
      }),
      RUNS,
    );
  });

  it('forSubject gives the same decision (and explanation) as check, request after request', () => {
    fc.assert(
      fc.property(
        policyData,
        tenantOption,
        fc.array(request, { minLength: 1, maxLength: 6 }),
        (data, tenant, requests) => {
          const policy = definePolicy(data as any, options(tenant));
          const bound = policy.forSubject(requests[0]!.subject);
          for (const q of requests) {
            const expected = policy.check(requests[0]!.subject, q.action, q.resource, q.context);
            expect(bound.check(q.action, q.resource, q.context)).toBe(expected);
            expect(bound.can(q.action, q.resource.type, q.context)).toBe(
              policy.can(requests[0]!.subject, q.action, q.resource.type, q.context),
            );
          }
        },
      ),
      RUNS,
    );
  });

  it('a decision never depends on the order of the subject roles', () => {
    fc.assert(
      fc.property(policyData, request, fc.constantFrom(...ACTIONS), (data, q, action) => {
        const policy = definePolicy(data as any, options(undefined));
        const held = Array.isArray(q.subject.roles) ? q.subject.roles : [];
        const a = policy.can({ ...q.subject, roles: held }, action, q.resource, q.context);
        const b = policy.can({ ...q.subject, roles: [...held].reverse() }, action, q.resource, q.context);
        expect(a).toBe(b);
      }),
      RUNS,
    );
  });
});
