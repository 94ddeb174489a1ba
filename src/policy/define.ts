/**
 * `definePolicy`: validate once, compile once, then answer `can`, `check`, `permittedFields`, `pickPermitted` and
 * `filter` from the compiled index.
 */
import { readOwn } from './attributes.js';
import { createBoundDecide } from './bound.js';
import { type CompiledRule, compilePolicy, type RuleBucket } from './compile.js';
import { collectFields } from './fields.js';
import { buildFilter, producedFilter } from './filter.js';
import { findInIndex, type IndexTable, toIndexTable } from './lookup-table.js';
import { checkInputList } from './operators.js';
import { deepFreeze, readPolicyOptions, withoutPrototypes } from './options.js';
import type {
  Policy,
  PolicyData,
  PolicyDecision,
  PolicyDecisionReason,
  PolicyFilter,
  PolicyOptions,
  PolicyResource,
  SubjectPolicy,
} from './types.js';
import { throwProblems, validatePolicy } from './validate.js';

function fixedDecision(reason: PolicyDecisionReason, explanation: string): PolicyDecision {
  return Object.freeze({ allowed: false, reason, rule: null, explanation });
}

const NO_MATCH = fixedDecision('no-matching-rule', 'denied: no rule allows this request (default deny)');
const UNKNOWN_TYPE = fixedDecision('unknown-resource-type', 'denied: the policy has no rule for this resource type');
const UNKNOWN_ACTION = fixedDecision('unknown-action', 'denied: the policy has no rule for this action on this type');
const NO_ROLE = fixedDecision('no-known-role', 'denied: the subject holds no role this policy declares');
const INVALID_INPUT = fixedDecision(
  'invalid-input',
  'denied: reading the subject, resource or context threw (a throwing getter or a Proxy)',
);

/**
 * Validates and compiles a policy given as plain (JSON) data.
 *
 * @throws POLICY_INVALID with `details.problems: [{ path, message }]` listing every problem found.
 * @throws CONFIG_INVALID for a bad option.
 * @example
 * const policy = definePolicy({
 *   roles: { viewer: {}, editor: { inherits: ['viewer'] } },
 *   rules: [
 *     { effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['doc'] },
 *     { effect: 'allow', roles: ['editor'], actions: ['update'], resources: ['doc'], when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] } },
 *   ],
 * });
 * policy.can({ id: 'u1', roles: ['editor'] }, 'update', { type: 'doc', ownerId: 'u1' }); // true
 */
const ARRAY_PROTOTYPE: Readonly<Record<number, unknown>> = Array.prototype as never;

export function definePolicy(data: PolicyData, options?: PolicyOptions): Policy {
  const { limits, tenant, typeKey, onDecision, env } = readPolicyOptions(options);
  let source: PolicyData;
  try {
    // A private copy: the caller can no longer change what was validated.
    source = deepFreeze(withoutPrototypes(structuredClone(data)));
  } catch {
    throwProblems([{ path: '$', message: 'policy must be plain JSON-compatible data' }]);
  }
  const { roles, declared } = validatePolicy(source, limits);
  const index = compilePolicy(source, roles, env, tenant, NO_MATCH);
  // The hot path's view of the same index: type → action → role as index tables (see lookup-table.ts).
  const table = toIndexTable(
    [...index].map(
      ([type, byAction]) =>
        [
          type,
          toIndexTable([...byAction].map(([action, byRole]) => [action, toIndexTable([...byRole])] as const)),
        ] as const,
    ),
  );

  const typeOf = (resource: unknown): unknown => (typeof resource === 'string' ? resource : readOwn(resource, typeKey));

  function bucketsFor(subject: unknown, action: string, type: unknown): RuleBucket[] | PolicyDecision {
    if (typeof type !== 'string') return UNKNOWN_TYPE;
    const byAction = index.get(type);
    if (byAction === undefined) return UNKNOWN_TYPE;
    const byRole = byAction.get(action);
    if (byRole === undefined) return UNKNOWN_ACTION;
    const held = readOwn(subject, 'roles');
    if (!Array.isArray(held)) return NO_ROLE;
    checkInputList(held);
    const buckets: RuleBucket[] = [];
    let known = false;
    // Own indexes only: a hole would read through to a polluted Array or Object prototype (a role nobody granted).
    for (let i = 0; i < held.length; i++) {
      if (!Object.hasOwn(held, i)) continue;
      const role = held[i];
      const bucket = byRole.get(role);
      if (bucket !== undefined) buckets.push(bucket);
      else if (roles.has(role)) known = true;
    }
    if (buckets.length === 0) return known ? NO_MATCH : NO_ROLE;
    return buckets;
  }

  const matches = (rule: CompiledRule, s: unknown, r: unknown, c: unknown) =>
    rule.test === undefined || rule.test(s, r, c);

  function decideBuckets(
    buckets: readonly RuleBucket[],
    subject: unknown,
    resource: unknown,
    context: unknown,
  ): PolicyDecision {
    for (const b of buckets)
      for (const rule of b.deny) if (matches(rule, subject, resource, context)) return rule.decision;
    for (const b of buckets)
      for (const rule of b.allow) if (matches(rule, subject, resource, context)) return rule.decision;
    return NO_MATCH;
  }

  function decideBucket(bucket: RuleBucket, subject: unknown, resource: unknown, context: unknown): PolicyDecision {
    for (const rule of bucket.deny) if (matches(rule, subject, resource, context)) return rule.decision;
    for (const rule of bucket.allow) if (matches(rule, subject, resource, context)) return rule.decision;
    return NO_MATCH;
  }

  // The last (type, action) looked up and its role table: consecutive checks of one type and action (each item of
  // a list, each request to one endpoint) skip the walk through two index levels. Set only together, after both
  // names were found, so `undefined` names never match and a hit always has its table.
  let lastType: string | undefined;
  let lastAction: string | undefined;
  let lastByRole: IndexTable<RuleBucket> | undefined;
  function decide(subject: unknown, action: string, resource: PolicyResource, context: unknown): PolicyDecision {
    // The common case, one role: a few map lookups, no allocation, often a decision fixed at definition. The
    // own-property reads are written out (not readOwn) because this is the hottest path of the module.
    let type: unknown = resource;
    let attributes: object | undefined;
    if (typeof resource !== 'string') {
      attributes = resource;
      type = undefined;
      if (typeof resource === 'object' && resource !== null) {
        const found = (resource as Record<string, unknown>)[typeKey];
        // isOwn written out: a call here is not inlined (two call sites, two keys) and costs more than the read.
        // `in`, not a read of the prototype: that would call an inherited getter with the prototype as `this`.
        if (found !== undefined) {
          const proto: object | null = Object.getPrototypeOf(resource);
          if (proto === null || !(typeKey in proto) || Object.hasOwn(resource, typeKey)) type = found;
        }
      }
    }
    if (typeof type !== 'string') return UNKNOWN_TYPE;
    let byRole: IndexTable<RuleBucket>;
    if (type === lastType && action === lastAction) byRole = lastByRole as IndexTable<RuleBucket>;
    else {
      const byAction = findInIndex(table, type);
      if (byAction === undefined) return UNKNOWN_TYPE;
      // Checked: a non-string key would be converted with its own toString.
      const found = typeof action === 'string' ? findInIndex(byAction, action) : undefined;
      if (found === undefined) return UNKNOWN_ACTION;
      byRole = found;
      lastType = type;
      lastAction = action;
      lastByRole = byRole;
    }
    if (typeof subject === 'object' && subject !== null) {
      const held = (subject as { roles: unknown }).roles;
      const proto: object | null = Object.getPrototypeOf(subject);
      if (
        Array.isArray(held) &&
        held.length === 1 &&
        (proto === null || !('roles' in proto) || Object.hasOwn(subject, 'roles'))
      ) {
        const role = held[0];
        const bucket = typeof role === 'string' ? findInIndex(byRole, role) : undefined;
        if (bucket === undefined) return roles.has(role) ? NO_MATCH : NO_ROLE;
        const only = bucket.only;
        const decision =
          bucket.fixed ??
          (only !== undefined
            ? only(subject, attributes, context)
              ? bucket.allow[0]!.decision
              : NO_MATCH
            : decideBucket(bucket, subject, attributes, context));
        // A hole reads through to the prototypes, so a role that allows must be the array's own. Asked only of
        // allows (a role nobody granted can only deny otherwise), and hasOwn (~15 ns here) only when Array.prototype
        // or Object.prototype has an index 0 at all, which only pollution gives them (`in` costs ~6 ns).
        return decision.allowed && 0 in ARRAY_PROTOTYPE && !Object.hasOwn(held, 0) ? NO_ROLE : decision;
      }
    }
    const buckets = bucketsFor(subject, action, type);
    return Array.isArray(buckets) ? decideBuckets(buckets, subject, attributes, context) : buckets;
  }

  function emit(
    decision: PolicyDecision,
    subject: unknown,
    action: string,
    resource: PolicyResource,
    context: unknown,
  ): void {
    let resourceType: unknown;
    try {
      resourceType = typeOf(resource);
    } catch {
      // The decision was invalid-input or the read throws only now: either way the hook still hears of it.
      resourceType = undefined;
    }
    onDecision!({
      ...decision,
      subject,
      action,
      resourceType: typeof resourceType === 'string' ? resourceType : '',
      resource,
      context,
    });
  }

  // Reading the caller's objects can throw (an own getter, a Proxy, a revoked Proxy): each public entry point wraps
  // only the decision in try/catch (free in V8 while nothing throws) and denies, so the hook stays outside it.
  function audited(subject: unknown, action: string, resource: PolicyResource, context: unknown): PolicyDecision {
    let decision: PolicyDecision;
    try {
      decision = decide(subject, action, resource, context);
    } catch {
      decision = INVALID_INPUT;
    }
    if (onDecision !== undefined) emit(decision, subject, action, resource, context);
    return decision;
  }

  function permittedFields(subject: unknown, action: string, resource: PolicyResource, context?: unknown): string[] {
    try {
      const type = typeOf(resource);
      const buckets = bucketsFor(subject, action, type);
      if (!Array.isArray(buckets)) return [];
      const attributes = typeof resource === 'string' ? undefined : resource;
      const universe =
        declared?.get(type as string)?.fields ?? (attributes === undefined ? [] : Object.keys(attributes));
      return collectFields(buckets, [...universe], (rule) => matches(rule, subject, attributes, context));
    } catch {
      return [];
    }
  }

  return Object.freeze({
    data: source,
    can(subject: unknown, action: string, resource: PolicyResource, context?: unknown): boolean {
      if (onDecision !== undefined) return audited(subject, action, resource, context).allowed;
      try {
        return decide(subject, action, resource, context).allowed;
      } catch {
        return false;
      }
    },
    check: (subject: unknown, action: string, resource: PolicyResource, context?: unknown) =>
      audited(subject, action, resource, context),
    permittedFields,
    pickPermitted<T extends object>(subject: unknown, action: string, resource: T, context?: unknown): Partial<T> {
      const out = {} as Partial<T>;
      try {
        for (const field of permittedFields(subject, action, resource, context)) {
          if (!Object.hasOwn(resource, field)) continue;
          // defineProperty, not assignment: a field named __proto__ must stay a plain property.
          const value = (resource as Record<string, unknown>)[field];
          Object.defineProperty(out, field, { value, enumerable: true, writable: true, configurable: true });
        }
      } catch {
        // Never a partial copy: a read that throws halfway leaves nothing permitted.
        return {};
      }
      return out;
    },
    forSubject(subject: unknown): SubjectPolicy {
      const decideBound = createBoundDecide({ subject, env, typeKey, noMatch: NO_MATCH, bucketsFor });
      const checkBound = (action: string, resource: PolicyResource, context?: unknown): PolicyDecision => {
        let decision: PolicyDecision;
        try {
          decision = decideBound(action, resource, context);
        } catch {
          decision = INVALID_INPUT;
        }
        if (onDecision !== undefined) emit(decision, subject, action, resource, context);
        return decision;
      };
      return Object.freeze({
        can:
          onDecision === undefined
            ? (action: string, resource: PolicyResource, context?: unknown) => {
                try {
                  return decideBound(action, resource, context).allowed;
                } catch {
                  return false;
                }
              }
            : (action: string, resource: PolicyResource, context?: unknown) =>
                checkBound(action, resource, context).allowed,
        check: checkBound,
      });
    },
    filter(subject: unknown, action: string, resourceType: string, context?: unknown) {
      let filter: PolicyFilter;
      try {
        const buckets = bucketsFor(subject, action, resourceType);
        if (!Array.isArray(buckets)) return false;
        filter = buildFilter(buckets, { subject, context, env, typeKey, resourceType, keepContext: false });
      } catch {
        return false;
      }
      return producedFilter(deepFreeze(filter));
    },
  });
}
