/**
 * Compiles validated policy data into an index: resource type → action → role → the rules that can match, with
 * role inheritance already flattened into each role's lists and each condition already a closure. A check then
 * costs a few map lookups plus the conditions of the rules that can match, however large the policy is.
 */
import { childPath } from './attributes.js';
import { type CompileEnvironment, type ConditionTest, compileCondition } from './condition-compile.js';
import type { PolicyCondition, PolicyData, PolicyDecision, PolicyRule, PolicyTenantOption } from './types.js';

export interface CompiledRule {
  index: number;
  effect: 'allow' | 'deny';
  /** Undefined when the rule is unconditional (no `when`, no tenant guard). */
  test: ConditionTest | undefined;
  /** The effective condition (tenant guard included), for query filters. */
  condition: PolicyCondition | undefined;
  fields: readonly string[] | undefined;
  /** The frozen decision `check` returns when this rule decides. */
  decision: PolicyDecision;
}

/** The rules one role can match for one (type, action), in policy order. */
export interface RuleBucket {
  deny: CompiledRule[];
  allow: CompiledRule[];
  /** Deny rules scoped to fields: they withhold fields but never refuse the action. */
  fieldDeny: CompiledRule[];
  /** The decision when no condition can change it (no deny, first allow unconditional), else undefined. */
  fixed: PolicyDecision | undefined;
  /** The test when the bucket is one conditional allow and no deny (an ownership rule): no loops to run. */
  only: ConditionTest | undefined;
}

const MAX_FILLED_BUCKETS = 100_000;

export type PolicyIndex = Map<string, Map<string, Map<string, RuleBucket>>>;

function describe(rule: PolicyRule, index: number): string {
  const path = childPath('$.rules', index);
  return rule.id === undefined ? `rule ${path}` : `rule "${rule.id}" (${path})`;
}

/** The condition an allow rule must meet under tenant isolation. */
function tenantGuard(tenant: PolicyTenantOption): PolicyCondition {
  return { eq: [{ ref: `resource.${tenant.resource}` }, { ref: `subject.${tenant.subject}` }] };
}

function compileRule(
  rule: PolicyRule,
  index: number,
  env: CompileEnvironment,
  guard: PolicyCondition | undefined,
): CompiledRule {
  let condition = rule.when;
  if (guard !== undefined && rule.effect === 'allow' && rule.crossTenant !== true) {
    // The guard comes first: across tenants it fails before any other condition is read.
    condition = condition === undefined ? guard : { and: [guard, condition] };
  }
  const allowed = rule.effect === 'allow';
  const decision: PolicyDecision = Object.freeze({
    allowed,
    reason: allowed ? 'allowed-by-rule' : 'denied-by-rule',
    rule: Object.freeze({ index, id: rule.id, effect: rule.effect, path: childPath('$.rules', index) }),
    explanation: `${allowed ? 'allowed' : 'denied'} by ${describe(rule, index)}`,
  } as const);
  return {
    index,
    effect: rule.effect,
    test: condition === undefined || condition === true ? undefined : compileCondition(condition, env),
    condition: condition === true ? undefined : condition,
    fields: rule.fields === undefined ? undefined : Object.freeze([...rule.fields]),
    decision,
  };
}

/** Builds the index. `roles` maps each role to the set of roles whose grants it receives (itself included). */
export function compilePolicy(
  data: PolicyData,
  roles: Map<string, Set<string>>,
  env: CompileEnvironment,
  tenant: PolicyTenantOption | undefined,
  noMatch: PolicyDecision,
): PolicyIndex {
  // Invert the closure: a rule naming role R applies to every role that inherits R.
  const heirs = new Map<string, string[]>();
  for (const [role, ancestors] of roles) {
    for (const ancestor of ancestors) {
      let list = heirs.get(ancestor);
      if (list === undefined) heirs.set(ancestor, (list = []));
      list.push(role);
    }
  }
  const guard = tenant === undefined ? undefined : tenantGuard(tenant);
  const index: PolicyIndex = new Map();
  // validatePolicy bounded the expansion below (limits.maxIndexEntries) before anything was allocated.
  data.rules.forEach((rule, i) => {
    const compiled = compileRule(rule, i, env, guard);
    // Each list de-duplicated once, before the product is expanded.
    const targets = new Set([...new Set(rule.roles)].flatMap((r) => heirs.get(r) ?? []));
    const actions = new Set(rule.actions);
    for (const type of new Set(rule.resources)) {
      let byAction = index.get(type);
      if (byAction === undefined) index.set(type, (byAction = new Map()));
      for (const action of actions) {
        let byRole = byAction.get(action);
        if (byRole === undefined) byAction.set(action, (byRole = new Map()));
        for (const role of targets) {
          let bucket = byRole.get(role);
          if (bucket === undefined)
            byRole.set(role, (bucket = { deny: [], allow: [], fieldDeny: [], fixed: undefined, only: undefined }));
          const list =
            rule.effect === 'allow' ? bucket.allow : rule.fields === undefined ? bucket.deny : bucket.fieldDeny;
          list.push(compiled);
        }
      }
    }
  });
  let pairs = 0;
  for (const byAction of index.values()) {
    for (const byRole of byAction.values()) {
      pairs++;
      for (const bucket of byRole.values()) {
        // Length, not `allow[0] !== undefined`: an empty list's index 0 reads through to a polluted Array.prototype
        // or Object.prototype, and what it found there would be fixed into the index for good.
        const first = bucket.allow.length > 0 ? bucket.allow[0] : undefined;
        if (bucket.deny.length === 0 && first !== undefined && first.test === undefined) bucket.fixed = first.decision;
        if (bucket.deny.length === 0 && bucket.allow.length === 1) bucket.only = first!.test;
      }
    }
  }
  // Every declared role gets a bucket for every (type, action), empty when nothing applies: a denied check by a
  // known role then costs one map lookup, not a second one to tell "known role" from "unknown role". Bounded, so
  // a policy with many roles and pairs keeps the smaller index (and the second lookup).
  if (pairs * roles.size <= MAX_FILLED_BUCKETS) {
    // Not frozen: a frozen object has its own hidden class, which would make the hot `bucket.fixed` read polymorphic.
    const empty: RuleBucket = { deny: [], allow: [], fieldDeny: [], fixed: noMatch, only: undefined };
    for (const byAction of index.values())
      for (const byRole of byAction.values())
        for (const role of roles.keys()) if (!byRole.has(role)) byRole.set(role, empty);
  }
  return index;
}
