/**
 * Validation of the condition language. Every problem is collected with its JSON path; nothing is evaluated.
 */
import { childPath, forEachItem, isScalar, parseReference, type ReferenceRoot } from './attributes.js';
import { parseCidr } from './ip.js';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  OPERAND_KINDS,
  type OperandKind,
  POSITIVE_FORM,
} from './operators.js';
import { validateTimeWindow } from './time-window.js';
import type { PolicyLimits, PolicyProblem } from './types.js';

const LOGICAL_OPERATORS = ['and', 'or', 'not'] as const;
const OTHER_OPERATORS = ['exists', 'inCidr', 'timeWindow'] as const;
const ALL_OPERATORS = [...COMPARISON_OPERATORS, ...LOGICAL_OPERATORS, ...OTHER_OPERATORS].join(', ');

/** Shared state of one validation pass. */
export interface ConditionValidation {
  problems: PolicyProblem[];
  limits: PolicyLimits;
  /** Roots a reference may use (filters only reference `resource`). */
  roots: readonly ReferenceRoot[];
  nodes: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isReference(value: unknown): value is { ref: string } {
  return isPlainObject(value) && Object.hasOwn(value, 'ref');
}

function describeKind(kind: OperandKind): string {
  return {
    scalar: 'a string, number or boolean',
    number: 'a number',
    string: 'a string',
    list: 'a list',
    'list-or-string': 'a list or a string',
  }[kind];
}

function checkString(value: string, path: string, v: ConditionValidation): void {
  if (value.length > v.limits.maxStringLength) {
    v.problems.push({ path, message: `string longer than ${v.limits.maxStringLength} characters` });
  }
}

/** Validates an operand and, for literals, that it fits `kind`. */
function validateOperand(value: unknown, path: string, kind: OperandKind | 'ref', v: ConditionValidation): void {
  if (isReference(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1) {
      v.problems.push({ path, message: 'a reference has exactly one key, "ref"' });
      return;
    }
    if (typeof value.ref !== 'string' || value.ref.length > v.limits.maxStringLength) {
      v.problems.push({ path: childPath(path, 'ref'), message: 'ref must be a string such as "subject.id"' });
      return;
    }
    const parsed = parseReference(value.ref);
    if (typeof parsed === 'string') v.problems.push({ path: childPath(path, 'ref'), message: parsed });
    else if (!v.roots.includes(parsed.root)) {
      v.problems.push({ path: childPath(path, 'ref'), message: `ref may only use ${v.roots.join(', ')}` });
    }
    return;
  }
  if (kind === 'ref') {
    v.problems.push({ path, message: 'operand must be a reference { "ref": "..." }' });
    return;
  }
  if (value === null) {
    v.problems.push({ path, message: 'null is not a literal: test presence with exists / not exists' });
    return;
  }
  if (Array.isArray(value)) {
    if (kind !== 'list' && kind !== 'list-or-string') {
      v.problems.push({ path, message: `operand must be ${describeKind(kind)}, not a list` });
      return;
    }
    if (value.length > v.limits.maxListLength) {
      v.problems.push({ path, message: `list longer than ${v.limits.maxListLength} items` });
      return;
    }
    forEachItem(value, path, v.problems, (item, i) => {
      const p = childPath(path, i);
      if (!isScalar(item) || Number.isNaN(item)) {
        v.problems.push({ path: p, message: 'list items must be strings, numbers (not NaN) or booleans' });
      } else if (typeof item === 'string') checkString(item, p, v);
    });
    return;
  }
  if (!isScalar(value) || Number.isNaN(value)) {
    v.problems.push({
      path,
      message: 'operand must be a reference, a string, a number (not NaN), a boolean or a list',
    });
    return;
  }
  const fits =
    kind === 'scalar' ||
    (kind === 'number' && typeof value === 'number') ||
    ((kind === 'string' || kind === 'list-or-string') && typeof value === 'string');
  if (!fits) v.problems.push({ path, message: `operand must be ${describeKind(kind)}` });
  else if (typeof value === 'string') checkString(value, path, v);
}

function validatePair(
  args: unknown,
  path: string,
  kinds: readonly [OperandKind | 'ref', OperandKind | 'ref'],
  v: ConditionValidation,
): args is unknown[] {
  if (!Array.isArray(args) || args.length !== 2) {
    v.problems.push({ path, message: 'operator takes a list of exactly two operands' });
    return false;
  }
  forEachItem(args, path, v.problems, (operand, i) => {
    validateOperand(operand, childPath(path, i), kinds[i as 0 | 1], v);
  });
  return Object.hasOwn(args, 0) && Object.hasOwn(args, 1);
}

/** Validates one condition node and its children. */
export function validateCondition(node: unknown, path: string, depth: number, v: ConditionValidation): void {
  if (++v.nodes > v.limits.maxConditionNodes) {
    if (v.nodes === v.limits.maxConditionNodes + 1) {
      v.problems.push({ path, message: `conditions have more than ${v.limits.maxConditionNodes} nodes in total` });
    }
    return;
  }
  if (depth > v.limits.maxConditionDepth) {
    v.problems.push({ path, message: `condition nested deeper than ${v.limits.maxConditionDepth} levels` });
    return;
  }
  if (typeof node === 'boolean') return;
  if (!isPlainObject(node)) {
    v.problems.push({ path, message: 'condition must be an object with one operator, or true / false' });
    return;
  }
  const keys = Object.keys(node);
  if (keys.length !== 1) {
    v.problems.push({ path, message: `condition must have exactly one operator, found ${keys.length}` });
    return;
  }
  const op = keys[0]!;
  const args = node[op];
  const at = childPath(path, op);
  if ((COMPARISON_OPERATORS as readonly string[]).includes(op)) {
    validatePair(args, at, OPERAND_KINDS[POSITIVE_FORM[op as ComparisonOperator]], v);
    return;
  }
  switch (op) {
    case 'and':
    case 'or':
      if (!Array.isArray(args) || args.length === 0 || args.length > v.limits.maxListLength) {
        v.problems.push({
          path: at,
          message: `${op} takes a non-empty list of at most ${v.limits.maxListLength} conditions`,
        });
        return;
      }
      forEachItem(args, at, v.problems, (child, i) => {
        validateCondition(child, childPath(at, i), depth + 1, v);
      });
      return;
    case 'not':
      validateCondition(args, at, depth + 1, v);
      return;
    case 'exists':
      validateOperand(args, at, 'ref', v);
      return;
    case 'inCidr':
      if (validatePair(args, at, ['string', 'list-or-string'], v)) {
        const ranges = args[1];
        const list = Array.isArray(ranges) ? ranges : [ranges];
        if (isReference(ranges))
          v.problems.push({ path: childPath(at, 1), message: 'ranges must be literal CIDR strings' });
        else if (list.length === 0) v.problems.push({ path: childPath(at, 1), message: 'list at least one range' });
        else if (list.length > v.limits.maxListLength) {
          v.problems.push({ path: childPath(at, 1), message: `list longer than ${v.limits.maxListLength} items` });
        } else {
          forEachItem(list, childPath(at, 1), v.problems, (r, i) => {
            const p = Array.isArray(ranges) ? childPath(childPath(at, 1), i) : childPath(at, 1);
            const parsed = typeof r === 'string' ? parseCidr(r) : 'range must be a string';
            if (typeof parsed === 'string') v.problems.push({ path: p, message: parsed });
          });
        }
      }
      return;
    case 'timeWindow':
      if (!Array.isArray(args) || args.length !== 2) {
        v.problems.push({ path: at, message: 'timeWindow takes [instant operand, window]' });
        return;
      }
      if (!Object.hasOwn(args, 0) || !Object.hasOwn(args, 1)) {
        forEachItem(args, at, v.problems, () => {});
        return;
      }
      validateOperand(args[0], childPath(at, 0), 'number', v);
      for (const p of validateTimeWindow(args[1])) {
        const base = childPath(at, 1);
        v.problems.push({
          path: p.key === '' ? base : p.key.startsWith('days[') ? `${base}.${p.key}` : childPath(base, p.key),
          message: p.message,
        });
      }
      return;
    default:
      v.problems.push({ path, message: `unknown operator "${op.slice(0, 64)}"; expected one of ${ALL_OPERATORS}` });
  }
}
