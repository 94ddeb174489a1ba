/**
 * Role inheritance: validated as a DAG (cycles are refused with the cycle spelled out) and flattened once, so a
 * check never walks the hierarchy.
 */
import { childPath, forEachItem } from './attributes.js';
import type { PolicyLimits, PolicyProblem } from './types.js';

const ROLE_KEYS = new Set(['inherits', 'description']);

/** Validates a name (role, action, resource type, field, rule id): a short string without control characters. */
export function validateName(value: unknown, path: string, problems: PolicyProblem[], what: string): value is string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (typeof value !== 'string' || value.length === 0 || value.length > 128 || /[\u0000-\u001f\u007f]/.test(value)) {
    problems.push({ path, message: `${what} must be a string of 1 to 128 characters without control characters` });
    return false;
  }
  return true;
}

/** Validates `roles` and returns, for each role, the set of roles whose grants it receives (itself included). */
export function flattenRoles(
  roles: unknown,
  problems: PolicyProblem[],
  limits: Pick<PolicyLimits, 'maxRoles' | 'maxListLength'>,
): Map<string, Set<string>> {
  const { maxRoles, maxListLength } = limits;
  const closure = new Map<string, Set<string>>();
  const path = '$.roles';
  if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) {
    problems.push({ path, message: 'roles must be an object mapping each role name to { inherits? }' });
    return closure;
  }
  const names = Object.keys(roles);
  if (names.length > maxRoles) {
    problems.push({ path, message: `more than ${maxRoles} roles` });
    return closure;
  }
  const parents = new Map<string, [string, number][]>();
  for (const name of names) {
    const rolePath = childPath(path, name);
    validateName(name, rolePath, problems, 'role name');
    const definition = (roles as Record<string, unknown>)[name];
    const list: [string, number][] = [];
    parents.set(name, list);
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      problems.push({ path: rolePath, message: 'role must be an object { inherits?, description? }' });
      continue;
    }
    for (const key of Object.keys(definition)) {
      if (!ROLE_KEYS.has(key)) problems.push({ path: childPath(rolePath, key), message: 'unknown role field' });
    }
    const { inherits, description } = definition as Record<string, unknown>;
    if (description !== undefined && typeof description !== 'string') {
      problems.push({ path: childPath(rolePath, 'description'), message: 'description must be a string' });
    }
    if (inherits === undefined) continue;
    const inheritsPath = childPath(rolePath, 'inherits');
    if (!Array.isArray(inherits)) {
      problems.push({ path: inheritsPath, message: 'inherits must be a list of role names' });
      continue;
    }
    if (inherits.length > maxListLength) {
      problems.push({ path: inheritsPath, message: `list longer than ${maxListLength} items (limits.maxListLength)` });
      continue;
    }
    forEachItem(inherits, inheritsPath, problems, (parent, i) => {
      const p = childPath(inheritsPath, i);
      if (typeof parent !== 'string') {
        // Only the type: JSON.stringify throws for a BigInt or a cycle, and a message should not echo data anyway.
        problems.push({ path: p, message: `inherits must list role names, found ${describeType(parent)}` });
      } else if (!Object.hasOwn(roles, parent)) {
        // JSON.stringify of a string never throws; it quotes and escapes the (already truncated) name.
        problems.push({ path: p, message: `inherits an undeclared role ${JSON.stringify(parent.slice(0, 128))}` });
      } else if (parent === name) {
        problems.push({ path: p, message: 'a role cannot inherit itself' });
      } else list.push([parent, i]);
    });
  }
  const order = reportCycles(parents, problems);
  if (order === undefined) {
    // Invalid anyway: every role receives only its own grants, so later checks still run but cost nothing extra.
    for (const name of names) closure.set(name, new Set([name]));
    return closure;
  }
  return ancestorClosure(order, parents);
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Each role's ancestors (itself included), in one pass over the roles in `order` (every role after its parents) with
 * a bit set per role: a parent's set is merged with one OR per 32 roles, so even 1,000 roles that each inherit every
 * earlier one (half a million edges) take milliseconds, where a search per role took seconds.
 */
function ancestorClosure(order: string[], parents: Map<string, [string, number][]>): Map<string, Set<string>> {
  const position = new Map(order.map((name, i) => [name, i]));
  const words = (order.length + 31) >>> 5;
  const bits = new Uint32Array(order.length * words);
  order.forEach((name, i) => {
    const own = i * words;
    bits[own + (i >>> 5)]! |= 1 << (i & 31);
    for (const [parent] of parents.get(name) ?? []) {
      const from = (position.get(parent) as number) * words;
      for (let w = 0; w < words; w++) bits[own + w]! |= bits[from + w]!;
    }
  });
  const closure = new Map<string, Set<string>>();
  order.forEach((name, i) => {
    const set = new Set<string>();
    for (let j = 0; j < order.length; j++) if ((bits[i * words + (j >>> 5)]! >>> (j & 31)) & 1) set.add(order[j]!);
    closure.set(name, set);
  });
  return closure;
}

/** Most inheritance cycles reported: each report spells its cycle out, so an unbounded count was cubic work. */
const MAX_CYCLES_REPORTED = 100;

/**
 * Iterative depth-first search with colours; reports each cycle once, at the edge that closes it (at most
 * MAX_CYCLES_REPORTED of them). Returns the roles with every role after its parents, or undefined for a cycle.
 */
function reportCycles(parents: Map<string, [string, number][]>, problems: PolicyProblem[]): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  let cycles = 0;
  for (const start of parents.keys()) {
    if (state.has(start)) continue;
    const trail: string[] = [start];
    const positions: number[] = [0];
    state.set(start, 'open');
    while (trail.length > 0) {
      const name = trail[trail.length - 1]!;
      const edges = parents.get(name) ?? [];
      const position = positions[positions.length - 1]!;
      if (position === edges.length) {
        state.set(name, 'done');
        order.push(name);
        trail.pop();
        positions.pop();
        continue;
      }
      positions[positions.length - 1] = position + 1;
      const [parent, index] = edges[position]!;
      if (state.get(parent) === 'open') {
        if (++cycles > MAX_CYCLES_REPORTED) continue;
        const cycle = [...trail.slice(trail.indexOf(parent)), parent].join(' → ');
        problems.push({
          path: childPath(childPath(childPath('$.roles', name), 'inherits'), index),
          message: `role inheritance cycle: ${cycle.slice(0, 500)}`,
        });
      } else if (!state.has(parent)) {
        state.set(parent, 'open');
        trail.push(parent);
        positions.push(0);
      }
    }
  }
  if (cycles > MAX_CYCLES_REPORTED) {
    problems.push({ path: '$.roles', message: `${cycles - MAX_CYCLES_REPORTED} more inheritance cycles not listed` });
  }
  return cycles === 0 ? order : undefined;
}
