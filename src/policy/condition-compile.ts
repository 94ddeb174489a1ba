/**
 * Compiles validated conditions to closures once, at definition: no interpretation of the JSON tree per check,
 * no eval, no `new Function` (works under strict CSP and in workerd).
 */
import { withoutPrototype } from '../internal/assert.js';
import { createPathReader, isScalar, parseReference } from './attributes.js';
import {
  compileDirectConjunction,
  compileDirectEquality,
  type DirectEquality,
  toDirectEquality,
} from './condition-direct.js';
import { isReference } from './condition-validate.js';
import { type CidrRange, type IpAddress, isInCidr, parseCidr, parseIpAddress } from './ip.js';
import { type ComparisonOperator, EVALUATE, POSITIVE_FORM } from './operators.js';
import { compileTimeWindow } from './time-window.js';
import type { PolicyTimeWindow } from './types.js';

/** A compiled condition over (subject, resource, context). */
export type ConditionTest = (subject: unknown, resource: unknown, context: unknown) => boolean;
type Read = (subject: unknown, resource: unknown, context: unknown) => unknown;

export interface CompileEnvironment {
  /** The clock used for `context.now` when the context does not carry it. */
  now: () => number;
}

/** `direct`: a one-segment subject or resource attribute, which comparisons read inline. */
type Operand = { read: Read; direct?: { fromResource: boolean; key: string } } | { constant: unknown };

export function compileOperand(operand: unknown, env: CompileEnvironment): Operand {
  // Operands have no prototype: `'constant' in left` tells the variants apart and `left.direct` is read on every
  // variant, so a polluted Object.prototype key must never be found on one (it would compile an ownership test to
  // `constant === constant`).
  return withoutPrototype(operandOf(operand, env));
}

function operandOf(operand: unknown, env: CompileEnvironment): Operand {
  if (!isReference(operand)) return { constant: operand };
  const parsed = parseReference(operand.ref);
  if (typeof parsed === 'string') throw new Error(parsed); // unreachable: validated first
  const path = createPathReader(parsed.segments);
  const key = parsed.segments[0]!;
  // One-segment paths (the common case) read directly: one call less on every check.
  if (parsed.segments.length === 1 && parsed.root !== 'context') {
    const fromResource = parsed.root === 'resource';
    return {
      direct: { fromResource, key },
      read: (s, r) => {
        const o = fromResource ? r : s;
        if (typeof o !== 'object' || o === null || !Object.hasOwn(o, key)) return undefined;
        const v = (o as Record<string, unknown>)[key];
        return v === null ? undefined : v;
      },
    };
  }
  if (parsed.root === 'subject') return { read: (s) => path(s) };
  if (parsed.root === 'resource') return { read: (_s, r) => path(r) };
  if (parsed.attribute === 'now') {
    return {
      read: (_s, _r, c) => {
        const v = path(c);
        return v === undefined ? env.now() : v;
      },
    };
  }
  return { read: (_s, _r, c) => path(c) };
}

function compileOperands(positive: string, args: readonly unknown[], env: CompileEnvironment): [Operand, Operand] {
  const left = compileOperand(args[0], env);
  const right = compileOperand(args[1], env);
  // eq is symmetric: keep the attribute on the left so the specialised shapes apply.
  return positive === 'eq' && 'constant' in left && 'read' in right ? [right, left] : [left, right];
}

/** The direct-equality descriptor of a condition node, when it is a plain `eq` of a direct shape. */
function directEqualityOf(node: unknown, env: CompileEnvironment): DirectEquality | undefined {
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, 'eq')) return undefined;
  const [left, right] = compileOperands('eq', (node as { eq: unknown[] }).eq, env);
  return toDirectEquality(left, right);
}

function compileComparison(op: ComparisonOperator, args: readonly unknown[], env: CompileEnvironment): ConditionTest {
  const positive = POSITIVE_FORM[op];
  const evaluate = EVALUATE[positive];
  const [left, right] = compileOperands(positive, args, env);
  let test: ConditionTest;
  const direct = positive === 'eq' ? toDirectEquality(left, right) : undefined;
  if (direct !== undefined) {
    test = compileDirectEquality(direct);
  } else if ('constant' in left && 'constant' in right) {
    const value = evaluate(left.constant, right.constant);
    test = () => value;
  } else if (positive === 'eq' && 'read' in left && 'constant' in right && isScalar(right.constant)) {
    // The hot ABAC shape (attribute equals literal): a literal scalar is only ever `===` to its own type.
    const read = left.read;
    const k = right.constant;
    test = (s, r, c) => read(s, r, c) === k;
  } else if (positive === 'eq' && 'read' in left && 'read' in right) {
    // Ownership and tenant checks (attribute equals attribute): absent or non-scalar on the left never matches.
    const readLeft = left.read;
    const readRight = right.read;
    test = (s, r, c) => {
      const a = readLeft(s, r, c);
      const t = typeof a;
      return (t === 'string' || t === 'number' || t === 'boolean') && a === readRight(s, r, c);
    };
  } else if (positive === 'in' && 'read' in left && 'constant' in right && Array.isArray(right.constant)) {
    const read = left.read;
    const set = new Set((right.constant as unknown[]).filter(isScalar));
    test = (s, r, c) => {
      const v = read(s, r, c);
      return isScalar(v) && !Number.isNaN(v) && set.has(v);
    };
  } else {
    const readLeft = 'read' in left ? left.read : () => left.constant;
    const readRight = 'read' in right ? right.read : () => right.constant;
    test = (s, r, c) => evaluate(readLeft(s, r, c), readRight(s, r, c));
  }
  if (op !== positive) {
    const inner = test;
    return (s, r, c) => !inner(s, r, c);
  }
  return test;
}

function compileCidr(args: readonly unknown[], env: CompileEnvironment): ConditionTest {
  const operand = compileOperand(args[0], env);
  const list = Array.isArray(args[1]) ? (args[1] as string[]) : [args[1] as string];
  const ranges = list.map((r) => parseCidr(r) as CidrRange);
  const matches = (value: unknown): boolean => {
    const address: IpAddress | undefined = parseIpAddress(value);
    return address !== undefined && ranges.some((range) => isInCidr(address, range));
  };
  if ('constant' in operand) {
    const value = matches(operand.constant);
    return () => value;
  }
  const read = operand.read;
  return (s, r, c) => matches(read(s, r, c));
}

function compileWindow(args: readonly unknown[], env: CompileEnvironment): ConditionTest {
  const operand = compileOperand(args[0], env);
  const inWindow = compileTimeWindow(args[1] as PolicyTimeWindow);
  const read = 'read' in operand ? operand.read : () => operand.constant;
  return (s, r, c) => inWindow(read(s, r, c) as number);
}

/** Compiles a validated condition. */
export function compileCondition(node: unknown, env: CompileEnvironment): ConditionTest {
  if (typeof node === 'boolean') return () => node;
  const [op, args] = Object.entries(node as Record<string, unknown>)[0]!;
  switch (op) {
    case 'and': {
      const parts = (args as unknown[]).map((n) => compileCondition(n, env));
      if (parts.length === 1) return parts[0]!;
      if (parts.length === 2) {
        const first = directEqualityOf((args as unknown[])[0], env);
        const second = directEqualityOf((args as unknown[])[1], env);
        // Ownership and tenant together (the tenant guard plus an ownership rule): one closure, no nested calls.
        if (first !== undefined && second !== undefined) return compileDirectConjunction(first, second);
        const [a, b] = parts as [ConditionTest, ConditionTest];
        return (s, r, c) => a(s, r, c) && b(s, r, c);
      }
      return (s, r, c) => parts.every((p) => p(s, r, c));
    }
    case 'or': {
      const parts = (args as unknown[]).map((n) => compileCondition(n, env));
      if (parts.length === 1) return parts[0]!;
      return (s, r, c) => parts.some((p) => p(s, r, c));
    }
    case 'not': {
      const inner = compileCondition(args, env);
      return (s, r, c) => !inner(s, r, c);
    }
    case 'exists': {
      const operand = compileOperand(args, env) as { read: Read };
      const read = operand.read;
      return (s, r, c) => read(s, r, c) !== undefined;
    }
    case 'inCidr':
      return compileCidr(args as unknown[], env);
    case 'timeWindow':
      return compileWindow(args as unknown[], env);
    default:
      return compileComparison(op as ComparisonOperator, args as unknown[], env);
  }
}
