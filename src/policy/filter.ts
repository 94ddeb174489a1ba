/**
 * Query filters by partial evaluation: subject and context references are replaced by their values, everything
 * that becomes constant is folded with the same operator functions `can` uses, and what remains is a condition over
 * `resource.*` only. A list endpoint then fetches exactly the rows `can` would allow.
 */
import { BulwarkError } from '../errors.js';
import { isScalar, parseReference } from './attributes.js';
import type { RuleBucket } from './compile.js';
import { type CompileEnvironment, type ConditionTest, compileCondition, compileOperand } from './condition-compile.js';
import { type ConditionValidation, isReference, validateCondition } from './condition-validate.js';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  checkInputList,
  EVALUATE,
  fitsKind,
  MAX_INPUT_LIST_LENGTH,
  OPERAND_KINDS,
  POSITIVE_FORM,
} from './operators.js';
import type { PolicyCondition, PolicyFilter } from './types.js';
import { DEFAULT_POLICY_LIMITS } from './validate.js';

export interface FilterInputs {
  subject: unknown;
  context: unknown;
  env: CompileEnvironment;
  /** The resource type key, folded to `resourceType`; undefined keeps it a resource reference. */
  typeKey: string | undefined;
  resourceType: string;
  /** Keeps context references (subject-bound checks, where the context comes with each call). */
  keepContext?: boolean;
}

type Node = PolicyCondition;
const KEEP = Symbol('resource reference');

/** Joins parts with and/or, folding constants: `absorbing` decides alone, its negation is dropped. */
function join(op: 'and' | 'or', parts: Node[]): Node {
  const absorbing = op === 'or';
  const kept: Node[] = [];
  for (const p of parts) {
    if (p === absorbing) return absorbing;
    if (p !== !absorbing) kept.push(p);
  }
  if (kept.length === 0) return !absorbing;
  return kept.length === 1 ? kept[0]! : op === 'and' ? { and: kept } : { or: kept };
}

export const and = (parts: Node[]): Node => join('and', parts);
export const or = (parts: Node[]): Node => join('or', parts);

export function not(part: Node): Node {
  return typeof part === 'boolean' ? !part : { not: part };
}

/** An operand's value with subject and context substituted, or KEEP for a resource attribute. */
function resolve(operand: unknown, inputs: FilterInputs): unknown {
  if (!isReference(operand)) return operand;
  const parsed = parseReference(operand.ref);
  if (typeof parsed !== 'string' && parsed.root === 'resource') {
    return parsed.attribute === inputs.typeKey ? inputs.resourceType : KEEP;
  }
  if (typeof parsed !== 'string' && parsed.root === 'context' && inputs.keepContext === true) return KEEP;
  const read = compileOperand(operand, inputs.env);
  return 'read' in read ? read.read(inputs.subject, undefined, inputs.context) : read.constant;
}

/** A substituted value as a literal of the condition language (lists keep only the items that can ever match). */
function toLiteral(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  checkInputList(value);
  const items: unknown[] = [];
  // Own indexes only (`filter` would take what a hole inherits from a polluted prototype).
  for (let i = 0; i < value.length; i++) {
    if (!Object.hasOwn(value, i)) continue;
    const v = value[i];
    if (isScalar(v) && !Number.isNaN(v)) items.push(v);
  }
  return items;
}

function specializeComparison(op: ComparisonOperator, args: readonly unknown[], inputs: FilterInputs): Node {
  const positive = POSITIVE_FORM[op];
  const values = [resolve(args[0], inputs), resolve(args[1], inputs)];
  const negate = (b: boolean) => (op === positive ? b : !b);
  if (values[0] !== KEEP && values[1] !== KEEP) return negate(EVALUATE[positive](values[0], values[1]));
  const kinds = OPERAND_KINDS[positive];
  const operands: unknown[] = [];
  for (let i = 0; i < 2; i++) {
    const v = values[i];
    if (v === KEEP) operands.push(args[i]);
    // A constant that can never satisfy its position (absent, an object, NaN) decides the comparison.
    else if (!fitsKind(v, kinds[i]!) || Number.isNaN(v)) return negate(false);
    else operands.push(toLiteral(v));
  }
  return { [op]: operands } as unknown as Node;
}

/** Substitutes subject and context into a condition and folds what became constant. */
export function specialize(node: Node, inputs: FilterInputs): Node {
  if (typeof node === 'boolean') return node;
  const [op, args] = Object.entries(node)[0]! as [string, unknown];
  switch (op) {
    case 'and':
      return and((args as Node[]).map((n) => specialize(n, inputs)));
    case 'or':
      return or((args as Node[]).map((n) => specialize(n, inputs)));
    case 'not':
      return not(specialize(args as Node, inputs));
    case 'exists': {
      const v = resolve(args, inputs);
      return v === KEEP ? node : v !== undefined;
    }
    case 'inCidr':
    case 'timeWindow': {
      if (resolve((args as unknown[])[0], inputs) === KEEP) return node;
      return compileCondition(node, inputs.env)(inputs.subject, undefined, inputs.context);
    }
    default:
      if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) throw new Error(`unknown operator ${op}`);
      return specializeComparison(op as ComparisonOperator, args as unknown[], inputs);
  }
}

/** allowed = (some allow rule matches) and not (some deny rule matches), over the rules the subject can match. */
export function buildFilter(buckets: readonly RuleBucket[], inputs: FilterInputs): PolicyFilter {
  const seen = new Set<number>();
  const allows: Node[] = [];
  const denies: Node[] = [];
  for (const b of buckets) {
    for (const rule of [...b.deny, ...b.allow]) {
      if (seen.has(rule.index)) continue;
      seen.add(rule.index);
      const part = rule.condition === undefined ? true : specialize(rule.condition, inputs);
      (rule.effect === 'allow' ? allows : denies).push(part);
    }
  }
  return and([or(allows), not(or(denies))]);
}

// A filter carries substituted subject values (id lists, as long as a request's lists may be) and one branch per
// rule: looser than a policy.
const FILTER_LIMITS = Object.freeze({
  ...DEFAULT_POLICY_LIMITS,
  maxConditionDepth: DEFAULT_POLICY_LIMITS.maxConditionDepth + 8,
  maxStringLength: 1_000_000,
  maxListLength: MAX_INPUT_LIST_LENGTH,
});

/**
 * Filters `policy.filter` returned. Each was built from a policy validated against its own limits and is deep-frozen,
 * so it needs no second validation, and must not get one against FILTER_LIMITS: a policy with raised limits (depth,
 * rules) legitimately produces filters beyond them. Anything else, a copy included, is validated.
 */
const producedFilters = new WeakSet<object>();

/** Marks a deep-frozen filter built by `policy.filter` as known valid. */
export function producedFilter(filter: PolicyFilter): PolicyFilter {
  if (typeof filter === 'object') producedFilters.add(filter);
  return filter;
}

/** Validates a filter (a condition over `resource.*` only); throws INPUT_INVALID listing each problem. */
export function assertFilter(filter: unknown): asserts filter is PolicyFilter {
  if (typeof filter === 'object' && filter !== null && producedFilters.has(filter)) return;
  const v: ConditionValidation = { problems: [], limits: FILTER_LIMITS, roots: ['resource'], nodes: 0 };
  validateCondition(filter, '$', 1, v);
  if (v.problems.length > 0) {
    throw new BulwarkError('INPUT_INVALID', `filter is invalid: ${v.problems[0]!.path}: ${v.problems[0]!.message}`, {
      details: { problems: v.problems.slice(0, 100) },
    });
  }
}

/**
 * Evaluates a filter from `policy.filter` against one resource in memory, with the semantics of `policy.can`: a row
 * that cannot be read (a getter that throws, a list longer than 100,000 items) does not match.
 *
 * @throws INPUT_INVALID when `filter` is not a valid filter.
 * @example
 * const filter = policy.filter(user, 'read', 'invoice');
 * const visible = invoices.filter((row) => matchesFilter(filter, row));
 */
export function matchesFilter(filter: PolicyFilter, resource: object): boolean {
  if (typeof filter === 'boolean') return filter;
  // Filters from policy.filter are frozen, so their compiled form can be reused across rows.
  let test = typeof filter === 'object' && filter !== null ? compiledFilters.get(filter) : undefined;
  if (test === undefined) {
    assertFilter(filter);
    test = compileCondition(filter, { now: () => Number.NaN });
    if (Object.isFrozen(filter)) compiledFilters.set(filter, test);
  }
  try {
    return test(undefined, resource, undefined);
  } catch {
    // As policy.can denies: a row that cannot be read (a throwing getter, a list past the input bound) never matches.
    return false;
  }
}

const compiledFilters = new WeakMap<object, ConditionTest>();
