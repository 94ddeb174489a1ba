/**
 * The hottest condition shapes, ownership and tenant checks, compiled to closures that read attributes inline:
 * `eq` of a one-segment subject/resource attribute with a literal scalar or with another such attribute, and the
 * conjunction of two of them (the ownership-and-tenant rule). Values are compared first and the own-property
 * checks run only after every value matched: a mismatch is false whether or not a property is inherited (each
 * object's prototype is read along with its value, so a Proxy whose `getPrototypeOf` trap throws denies). The
 * own-property check itself asks the prototype first (`!(key in proto)` means a value found on the object is its
 * own) and calls `Object.hasOwn` only when the prototype chain really holds the key: V8 folds `getPrototypeOf` to a
 * constant where it knows the object's map and answers `in` from an inline cache, while `Object.hasOwn` is always a
 * builtin call (perf: 15 % of an ABAC check). Each prototype is read right after the value it vouches for: V8 knows
 * the map only until the next call (a string comparison is one), and an unfolded `getPrototypeOf` is a runtime call
 * (two of them were 16 of the 43 ns of an allowed ownership-and-tenant check; read early, it takes 26 ns). `in`
 * never calls a getter; reading `proto[key]` did, with the prototype as `this`, so a class getter over instance
 * state read `undefined` there and passed as own. Because the value is read before the own check, an inherited
 * getter is still called (with the object as `this`); its value is then refused, and if it throws the decision
 * denies with `invalid-input` (define.ts). Semantics otherwise equal the general comparison path (type-strict,
 * absent and `null` never equal, own properties only).
 */
import { isScalar } from './attributes.js';

/** A one-segment attribute of the subject or of the resource. */
export interface DirectAttribute {
  fromResource: boolean;
  key: string;
}

/** `left === right` where right is an attribute or (when `right` is undefined) the scalar `constant`. */
export interface DirectEquality {
  left: DirectAttribute;
  right: DirectAttribute | undefined;
  constant: string | number | boolean;
}

type Test = (subject: unknown, resource: unknown, context: unknown) => boolean;

/** The descriptor when `left eq right` has a direct shape (operands already compiled, attribute on the left). */
export function toDirectEquality(
  left: { direct?: DirectAttribute } | { constant: unknown },
  right: { direct?: DirectAttribute } | { constant: unknown },
): DirectEquality | undefined {
  if ('constant' in left || left.direct === undefined) return undefined;
  if ('constant' in right)
    return isScalar(right.constant) ? { left: left.direct, right: undefined, constant: right.constant } : undefined;
  return right.direct === undefined ? undefined : { left: left.direct, right: right.direct, constant: '' };
}

const hasOwn = Object.hasOwn;
// The own-property test below (`p === null || !(key in p) || hasOwn(x, key)`) is attributes.ts `isOwn`, written
// out at each use: V8 did not inline the shared helper into these closures.
const getPrototypeOf = Object.getPrototypeOf;

export function compileDirectEquality(d: DirectEquality): Test {
  const { fromResource, key } = d.left;
  if (d.right === undefined) {
    const k = d.constant;
    return (s, r) => {
      const x = fromResource ? r : s;
      if (typeof x !== 'object' || x === null) return false;
      const a = (x as Record<string, unknown>)[key];
      const p: object | null = getPrototypeOf(x);
      return a === k && (p === null || !(key in p) || hasOwn(x, key));
    };
  }
  const { fromResource: otherFromResource, key: otherKey } = d.right;
  return (s, r) => {
    const x = fromResource ? r : s;
    const y = otherFromResource ? r : s;
    if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return false;
    const a = (x as Record<string, unknown>)[key];
    const p: object | null = getPrototypeOf(x);
    // typeof compared in place (not kept in a variable) so V8 turns each test into a type check.
    if (typeof a !== 'string' && typeof a !== 'number' && typeof a !== 'boolean') return false;
    const b = (y as Record<string, unknown>)[otherKey];
    const q: object | null = getPrototypeOf(y);
    if (b !== a) return false;
    return (p === null || !(key in p) || hasOwn(x, key)) && (q === null || !(otherKey in q) || hasOwn(y, otherKey));
  };
}

/**
 * `and` of two direct equalities in one closure: no nested calls, and both comparisons before any own-property
 * check. A literal right side is compared against `constant` (an attribute side never is: `right` decides).
 */
export function compileDirectConjunction(first: DirectEquality, second: DirectEquality): Test {
  const { fromResource: r1, key: k1 } = first.left;
  const { fromResource: r2, key: k2 } = second.left;
  const ref1 = first.right !== undefined;
  const ref2 = second.right !== undefined;
  const q1 = first.right?.fromResource ?? false;
  const j1 = first.right?.key ?? '';
  const q2 = second.right?.fromResource ?? false;
  const j2 = second.right?.key ?? '';
  const c1 = first.constant;
  const c2 = second.constant;
  // Which roots the four reads touch: only those must be objects, and only their prototypes are asked.
  const usesSubject = !r1 || !r2 || (ref1 && !q1) || (ref2 && !q2);
  const usesResource = r1 || r2 || (ref1 && q1) || (ref2 && q2);
  return (s, r) => {
    // Every root a read touches must be an object for both equalities to hold (a missing root reads as absent).
    if (usesSubject && (typeof s !== 'object' || s === null)) return false;
    if (usesResource && (typeof r !== 'object' || r === null)) return false;
    // Written out twice, not through a helper: V8 did not inline one here, and the call cost a tenth of a check.
    const x1 = (r1 ? r : s) as Record<string, unknown>;
    const y1 = (q1 ? r : s) as Record<string, unknown>;
    const a = x1[k1];
    const px1: object | null = getPrototypeOf(x1);
    if (typeof a !== 'string' && typeof a !== 'number' && typeof a !== 'boolean') return false;
    let py1: object | null = null;
    if (ref1) {
      const b = y1[j1];
      py1 = getPrototypeOf(y1);
      if (b !== a) return false;
    } else if (a !== c1) return false;
    const x2 = (r2 ? r : s) as Record<string, unknown>;
    const y2 = (q2 ? r : s) as Record<string, unknown>;
    const c = x2[k2];
    const px2: object | null = getPrototypeOf(x2);
    if (typeof c !== 'string' && typeof c !== 'number' && typeof c !== 'boolean') return false;
    let py2: object | null = null;
    if (ref2) {
      const d = y2[j2];
      py2 = getPrototypeOf(y2);
      if (d !== c) return false;
    } else if (c !== c2) return false;
    // Every value matched: now make sure each was an own property, against the prototype each object had when it
    // was read.
    if (px1 !== null && k1 in px1 && !hasOwn(x1, k1)) return false;
    if (px2 !== null && k2 in px2 && !hasOwn(x2, k2)) return false;
    if (py1 !== null && j1 in py1 && !hasOwn(y1, j1)) return false;
    if (py2 !== null && j2 in py2 && !hasOwn(y2, j2)) return false;
    return true;
  };
}
