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
  reportCycles(parents, problems);
  for (const name of names) closure.set(name, ancestorsOf(name, parents));
  return closure;
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function ancestorsOf(name: string, parents: Map<string, [string, number][]>): Set<string> {
  const seen = new Set<string>([name]);
  const stack = [name];
  while (stack.length > 0) {
    for (const [p] of parents.get(stack.pop()!) ?? []) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}

/** Iterative depth-first search with colours; reports each cycle once, at the edge that closes it. */
function reportCycles(parents: Map<string, [string, number][]>, problems: PolicyProblem[]): void {
  const state = new Map<string, 'open' | 'done'>();
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
        trail.pop();
        positions.pop();
        continue;
      }
      positions[positions.length - 1] = position + 1;
      const [parent, index] = edges[position]!;
      if (state.get(parent) === 'open') {
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
}
