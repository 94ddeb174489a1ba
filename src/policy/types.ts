/**
 * The policy model as plain, JSON-serializable data, and the shapes `definePolicy` returns.
 *
 * A policy is data so that it can live in a file or a database and be reviewed in a diff; nothing here is code.
 */

/** A literal in a condition: a string, a finite number or a boolean. `null` is not a literal: use `exists`. */
export type PolicyLiteral = string | number | boolean;

/** A reference to an attribute: `subject.*`, `resource.*` or `context.*`, read from own properties only. */
export interface PolicyReference {
  ref: string;
}

/** An operand: an attribute reference, a literal, or a list of literals (for `in`, `nin`, `contains`). */
export type PolicyOperand = PolicyReference | PolicyLiteral | readonly PolicyLiteral[];

/** A recurring time window, local to `timeZone` (an IANA name, default `UTC`). `from` > `to` wraps midnight. */
export interface PolicyTimeWindow {
  /** Local days, `mon` to `sun`; all days when absent. */
  days?: readonly ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  /** Start, `HH:MM` (inclusive). */
  from: string;
  /** End, `HH:MM` (exclusive). */
  to: string;
  timeZone?: string;
}

/**
 * A condition: one operator per object. Comparisons are type-strict and two-valued: a comparison with a missing
 * (or `null`) attribute, or with a value of another type, is false; `ne`, `nin` and `not` are its exact negation.
 */
export type PolicyCondition =
  | boolean
  | { eq: readonly [PolicyOperand, PolicyOperand] }
  | { ne: readonly [PolicyOperand, PolicyOperand] }
  | { in: readonly [PolicyOperand, PolicyOperand] }
  | { nin: readonly [PolicyOperand, PolicyOperand] }
  | { lt: readonly [PolicyOperand, PolicyOperand] }
  | { lte: readonly [PolicyOperand, PolicyOperand] }
  | { gt: readonly [PolicyOperand, PolicyOperand] }
  | { gte: readonly [PolicyOperand, PolicyOperand] }
  | { contains: readonly [PolicyOperand, PolicyOperand] }
  | { startsWith: readonly [PolicyOperand, PolicyOperand] }
  | { exists: PolicyReference }
  | { inCidr: readonly [PolicyOperand, string | readonly string[]] }
  | { timeWindow: readonly [PolicyOperand, PolicyTimeWindow] }
  | { and: readonly PolicyCondition[] }
  | { or: readonly PolicyCondition[] }
  | { not: PolicyCondition };

/** One rule. A rule applies when the subject holds one of `roles` (or a role inheriting one). */
export interface PolicyRule {
  /** A stable name used in explanations and audit events. */
  id?: string;
  effect: 'allow' | 'deny';
  roles: readonly string[];
  actions: readonly string[];
  /** Resource types. */
  resources: readonly string[];
  when?: PolicyCondition;
  /**
   * Field-level scope. On an allow rule: the fields it grants (all when absent). On a deny rule: the fields it
   * withholds; such a deny does not refuse the action itself.
   */
  fields?: readonly string[];
  /** With the policy's `tenant` option: lets this allow rule match across tenants. Review every use. */
  crossTenant?: boolean;
  description?: string;
}

/** A role and the roles it inherits (a DAG: cycles are refused). */
export interface PolicyRoleDefinition {
  inherits?: readonly string[];
  description?: string;
}

/** A resource type's declared actions and fields; when declared, rules may name only these. */
export interface PolicyResourceDefinition {
  actions: readonly string[];
  fields?: readonly string[];
  description?: string;
}

/** A whole policy, as JSON. */
export interface PolicyData {
  version?: 1;
  roles: Readonly<Record<string, PolicyRoleDefinition>>;
  resources?: Readonly<Record<string, PolicyResourceDefinition>>;
  rules: readonly PolicyRule[];
}

/** Size bounds checked before any other work. */
export interface PolicyLimits {
  maxRules: number;
  maxRoles: number;
  maxConditionDepth: number;
  maxConditionNodes: number;
  maxStringLength: number;
  /** Longest list anywhere in the policy: a rule's roles, actions, resources, fields; inherits; condition lists. */
  maxListLength: number;
  /**
   * Largest compiled index, counted before it is built: the sum over rules of resource types × actions × roles the
   * rule reaches (each named role and every role inheriting it), after removing duplicates.
   */
  maxIndexEntries: number;
}

/** Where to read the tenant of a subject and of a resource (attribute names, no root). */
export interface PolicyTenantOption {
  subject: string;
  resource: string;
}

/** What `onDecision` receives for every `can` and `check`. */
export interface PolicyDecisionEvent extends PolicyDecision {
  subject: unknown;
  action: string;
  resourceType: string;
  resource: unknown;
  context: unknown;
}

export interface PolicyOptions {
  /**
   * Tenant isolation: every allow rule also requires `resource[tenant.resource] === subject[tenant.subject]`
   * (both present), unless the rule says `crossTenant: true`. A string names the same attribute on both sides.
   */
  tenant?: string | PolicyTenantOption;
  /** The own property of a resource object that holds its type. Default `type`. */
  resourceTypeKey?: string;
  /**
   * Audit hook called with every decision of `can`, `check` and `forSubject` (not `permittedFields`, `pickPermitted`
   * or `filter`). If it throws, the check throws: no decision it covers escapes unaudited.
   */
  onDecision?: (event: PolicyDecisionEvent) => void;
  /** Clock for `timeWindow` when the context has no `now` (epoch ms). */
  now?: () => number;
  limits?: Partial<PolicyLimits>;
}

/** Why a decision came out as it did. */
export type PolicyDecisionReason =
  | 'allowed-by-rule'
  | 'denied-by-rule'
  | 'no-matching-rule'
  | 'unknown-resource-type'
  | 'unknown-action'
  | 'no-known-role'
  /** Reading the subject, resource or context threw (a throwing getter, a Proxy, a revoked Proxy). */
  | 'invalid-input';

/** The rule that decided, as it appears in the policy data. */
export interface PolicyRuleReference {
  index: number;
  id: string | undefined;
  effect: 'allow' | 'deny';
  /** JSON path of the rule, e.g. `$.rules[3]`. */
  path: string;
}

export interface PolicyDecision {
  allowed: boolean;
  reason: PolicyDecisionReason;
  rule: PolicyRuleReference | null;
  /** One sentence for logs and developers. */
  explanation: string;
}

/** A resource: its type name alone (no attributes known) or an object carrying its type and attributes. */
export type PolicyResource = string | object;

/**
 * The condition a list query must satisfy: `true` (every row), `false` (no row), or a condition over
 * `resource.*` attributes only, with subject and context already substituted.
 */
export type PolicyFilter = PolicyCondition;

/**
 * A compiled policy, returned by `definePolicy`. Decisions never throw for odd subjects, resources or contexts
 * (they deny; when reading one throws, with reason `invalid-input`); only a throwing `onDecision` hook makes a check
 * throw.
 *
 * @example
 * policy.can(user, 'update', { type: 'invoice', ownerId: user.id, tenantId: user.tenantId }, { ip: '10.0.0.1' });
 */
export interface Policy {
  /** True when some allow rule matches and no deny rule (without `fields`) matches. */
  can(subject: unknown, action: string, resource: PolicyResource, context?: unknown): boolean;
  /** The decision with its reason and the rule that decided (deny overrides allow; default deny). */
  check(subject: unknown, action: string, resource: PolicyResource, context?: unknown): PolicyDecision;
  /** The fields the subject may use for this action (empty when the action is denied). */
  permittedFields(subject: unknown, action: string, resource: PolicyResource, context?: unknown): string[];
  /** A shallow copy of `resource` with only its permitted own fields. */
  pickPermitted<T extends object>(subject: unknown, action: string, resource: T, context?: unknown): Partial<T>;
  /**
   * The condition a row of `resourceType` must meet for `can` to allow `action` (frozen data: `true`, `false`
   * or a condition over `resource.*`); evaluate it with `matchesFilter` or translate it with `toSqlWhere`.
   */
  filter(subject: unknown, action: string, resourceType: string, context?: unknown): PolicyFilter;
  /**
   * Binds a subject, like a cached CASL ability: its roles and attributes are read once per (type, action) and
   * folded into the conditions, so each check reads only the resource and context. Decisions equal `check`'s.
   * Bind again when the subject changes.
   */
  forSubject(subject: unknown): SubjectPolicy;
  /** The validated source, frozen. */
  readonly data: PolicyData;
}

/** A policy bound to one subject (see {@link Policy.forSubject}). */
export interface SubjectPolicy {
  can(action: string, resource: PolicyResource, context?: unknown): boolean;
  check(action: string, resource: PolicyResource, context?: unknown): PolicyDecision;
}

/** One validation problem, located by JSON path. */
export interface PolicyProblem {
  path: string;
  message: string;
}
