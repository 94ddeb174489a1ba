/**
 * Whole-policy validation: every problem is collected with its JSON path, so one `POLICY_INVALID` lists them all.
 * Size bounds are checked before anything else is read.
 */
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange } from '../internal/assert.js';
import { childPath, forEachItem, REFERENCE_ROOTS } from './attributes.js';
import { type ConditionValidation, validateCondition } from './condition-validate.js';
import { MAX_INPUT_LIST_LENGTH } from './operators.js';
import { flattenRoles, validateName } from './roles.js';
import type { PolicyLimits, PolicyProblem } from './types.js';

/**
 * Default bounds on a policy's size; each can be changed with `definePolicy(data, { limits })`.
 *
 * @example
 * definePolicy(data, { limits: { maxRules: 2 * DEFAULT_POLICY_LIMITS.maxRules } });
 */
export const DEFAULT_POLICY_LIMITS: Readonly<PolicyLimits> = Object.freeze({
  maxRules: 100_000,
  maxRoles: 1_000,
  maxConditionDepth: 16,
  maxConditionNodes: 1_000_000,
  maxStringLength: 1_024,
  maxListLength: 1_000,
  maxIndexEntries: 1_000_000,
});

const TOP_KEYS = new Set(['version', 'roles', 'resources', 'rules', 'description']);
const RULE_KEYS = new Set([
  'id',
  'effect',
  'roles',
  'actions',
  'resources',
  'when',
  'fields',
  'crossTenant',
  'description',
]);
const RESOURCE_KEYS = new Set(['actions', 'fields', 'description']);
const MAX_PROBLEMS = 1_000;

/** Reads `options.limits` over the defaults; throws CONFIG_INVALID for a bad bound. */
export function readLimits(limits: Partial<PolicyLimits> | undefined): PolicyLimits {
  const merged = { ...DEFAULT_POLICY_LIMITS, ...limits };
  for (const key of Object.keys(DEFAULT_POLICY_LIMITS) as (keyof PolicyLimits)[]) {
    // No list of a policy may be longer than a list read from a request can be: the operators bound the lists
    // they compare, and a literal one must never trip that bound.
    assertIntegerInRange(merged[key], `limits.${key}`, 1, key === 'maxListLength' ? MAX_INPUT_LIST_LENGTH : 10_000_000);
  }
  return merged;
}

export function throwProblems(problems: PolicyProblem[]): never {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const first = shown[0];
  throw new BulwarkError(
    'POLICY_INVALID',
    `policy is invalid: ${problems.length} problem(s); first at ${first?.path}: ${first?.message}`,
    { details: { problems: shown } },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateNames(
  value: unknown,
  path: string,
  problems: PolicyProblem[],
  what: string,
  limits: PolicyLimits,
): [name: string, index: number][] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path, message: `${what}s must be a non-empty list` });
    return [];
  }
  if (value.length > limits.maxListLength) {
    problems.push({ path, message: `${what}s: list longer than ${limits.maxListLength} items (limits.maxListLength)` });
    return [];
  }
  // Indexes kept with the names, so later problems point at the item itself even after a bad one was dropped.
  const out: [string, number][] = [];
  forEachItem(value, path, problems, (v, i) => {
    if (validateName(v, childPath(path, i), problems, what)) out.push([v, i]);
  });
  return out;
}

type Declared = Map<string, { actions: Set<string>; fields: Set<string> | undefined }>;

function validateResources(resources: unknown, problems: PolicyProblem[], limits: PolicyLimits): Declared | undefined {
  if (resources === undefined) return undefined;
  const declared: Declared = new Map();
  if (!isObject(resources)) {
    problems.push({
      path: '$.resources',
      message: 'resources must be an object mapping each type to { actions, fields? }',
    });
    return declared;
  }
  for (const [type, definition] of Object.entries(resources)) {
    const path = childPath('$.resources', type);
    validateName(type, path, problems, 'resource type');
    if (!isObject(definition)) {
      problems.push({ path, message: 'resource must be an object { actions, fields? }' });
      continue;
    }
    for (const key of Object.keys(definition)) {
      if (!RESOURCE_KEYS.has(key)) problems.push({ path: childPath(path, key), message: 'unknown resource field' });
    }
    const names = (key: 'actions' | 'fields', what: string) =>
      new Set(validateNames(definition[key], childPath(path, key), problems, what, limits).map(([name]) => name));
    const actions = names('actions', 'action');
    const fields = definition.fields === undefined ? undefined : names('fields', 'field');
    declared.set(type, { actions, fields });
  }
  return declared;
}

/** Validates the policy data; returns each role's flattened ancestors and the declared resources. */
export function validatePolicy(data: unknown, limits: PolicyLimits) {
  const problems: PolicyProblem[] = [];
  if (!isObject(data)) throwProblems([{ path: '$', message: 'policy must be an object { roles, rules, resources? }' }]);
  const rules = data.rules;
  if (!Array.isArray(rules)) throwProblems([{ path: '$.rules', message: 'rules must be a list' }]);
  if (rules.length > limits.maxRules) {
    throwProblems([{ path: '$.rules', message: `more than ${limits.maxRules} rules` }]);
  }
  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.has(key)) problems.push({ path: childPath('$', key), message: 'unknown policy field' });
  }
  if (data.version !== undefined && data.version !== 1)
    problems.push({ path: '$.version', message: 'version must be 1' });
  const roles = flattenRoles(data.roles, problems, limits);
  const declared = validateResources(data.resources, problems, limits);
  const conditions: ConditionValidation = { problems, limits, roots: REFERENCE_ROOTS, nodes: 0 };
  const ids = new Set<string>();
  const heirCounts = countHeirs(roles);
  let entries = 0;
  let checked = 0;
  forEachItem(rules, '$.rules', problems, (item, i) => {
    const path = childPath('$.rules', i);
    if (problems.length > MAX_PROBLEMS) return;
    const rule = item as Record<string, unknown>;
    if (!isObject(rule)) {
      problems.push({ path, message: 'rule must be an object { effect, roles, actions, resources, when?, fields? }' });
      return;
    }
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.has(key)) problems.push({ path: childPath(path, key), message: 'unknown rule field' });
    }
    if (rule.effect !== 'allow' && rule.effect !== 'deny') {
      problems.push({ path: childPath(path, 'effect'), message: 'effect must be "allow" or "deny"' });
    }
    if (rule.id !== undefined && validateName(rule.id, childPath(path, 'id'), problems, 'rule id')) {
      if (ids.has(rule.id)) problems.push({ path: childPath(path, 'id'), message: 'rule id is not unique' });
      ids.add(rule.id);
    }
    if (rule.description !== undefined && typeof rule.description !== 'string') {
      problems.push({ path: childPath(path, 'description'), message: 'description must be a string' });
    }
    const named = validateNames(rule.roles, childPath(path, 'roles'), problems, 'role', limits);
    for (const [role, j] of named) {
      if (!roles.has(role)) problems.push({ path: childPath(childPath(path, 'roles'), j), message: 'undeclared role' });
    }
    const types = validateNames(rule.resources, childPath(path, 'resources'), problems, 'resource type', limits);
    const actions = validateNames(rule.actions, childPath(path, 'actions'), problems, 'action', limits);
    const fields =
      rule.fields === undefined ? [] : validateNames(rule.fields, childPath(path, 'fields'), problems, 'field', limits);
    // Bounds first: refused here, before checkDeclared (types × actions) runs or compile allocates the index. The
    // check against `resources` walks types × (actions + fields) of every rule, even one whose roles are all
    // undeclared (it adds no index entry), so that walk has the same bound.
    entries += indexEntries(named, types, actions, heirCounts, roles.size);
    if (declared !== undefined) checked += types.length * (actions.length + fields.length);
    if (entries > limits.maxIndexEntries || checked > limits.maxIndexEntries) {
      throwProblems([
        {
          path: '$.rules',
          message:
            `the compiled index would exceed limits.maxIndexEntries (${limits.maxIndexEntries}) entries: ` +
            'each rule adds resource types × actions × the roles it reaches (inheritance included), and ' +
            'resource types × (actions + fields) to check against the declared resources',
        },
      ]);
    }
    if (declared !== undefined) checkDeclared(declared, types, actions, fields, path, problems);
    if (rule.crossTenant !== undefined && typeof rule.crossTenant !== 'boolean') {
      problems.push({ path: childPath(path, 'crossTenant'), message: 'crossTenant must be a boolean' });
    } else if (rule.crossTenant === true && rule.effect === 'deny') {
      problems.push({
        path: childPath(path, 'crossTenant'),
        message: 'only allow rules are tenant-guarded; remove crossTenant',
      });
    }
    if (rule.when !== undefined) validateCondition(rule.when, childPath(path, 'when'), 1, conditions);
  });
  if (problems.length > 0) throwProblems(problems);
  return { roles, declared };
}

type Names = readonly [name: string, index: number][];

/** For each role, how many roles receive its grants (itself and every role inheriting it). */
function countHeirs(roles: Map<string, Set<string>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ancestors of roles.values()) for (const a of ancestors) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}

/**
 * An upper bound on the index entries one rule makes, computed without expanding it: distinct types × distinct
 * actions × the roles it reaches, counted per named role (a role reached twice counts twice) and capped at the
 * number of roles.
 */
function indexEntries(
  named: Names,
  types: Names,
  actions: Names,
  heirCounts: Map<string, number>,
  roleCount: number,
): number {
  const distinct = (names: Names) => new Set(names.map(([name]) => name));
  let reached = 0;
  for (const role of distinct(named)) reached += heirCounts.get(role) ?? 0;
  return Math.min(reached, roleCount) * distinct(types).size * distinct(actions).size;
}

function checkDeclared(
  declared: Declared,
  types: Names,
  actions: Names,
  fields: Names,
  path: string,
  problems: PolicyProblem[],
): void {
  for (const [type, j] of types) {
    // One rule can name a thousand types and a thousand actions: stop once the report is full.
    if (problems.length > MAX_PROBLEMS) return;
    const definition = declared.get(type);
    if (definition === undefined) {
      problems.push({ path: childPath(childPath(path, 'resources'), j), message: 'undeclared resource type' });
      continue;
    }
    for (const [action, k] of actions) {
      if (!definition.actions.has(action)) {
        problems.push({
          path: childPath(childPath(path, 'actions'), k),
          message: `action not declared for resource "${type}"`,
        });
      }
    }
    if (definition.fields === undefined) continue;
    for (const [field, k] of fields) {
      if (!definition.fields.has(field)) {
        problems.push({
          path: childPath(childPath(path, 'fields'), k),
          message: `field not declared for resource "${type}"`,
        });
      }
    }
  }
}
