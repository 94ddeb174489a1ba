/**
 * The specialised closures for the hottest shapes (`eq` of one-segment attributes, and the conjunction of two,
 * i.e. ownership plus tenant) must decide exactly like the independent reference evaluator, including on objects
 * the random policies never build: inherited attributes, null-prototype objects, class instances, a polluted
 * Object.prototype, missing roots (a type-only resource) and non-object subjects. Both `can` and `forSubject` are
 * checked, since the bound path folds the subject into literals and reaches the same shapes.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { definePolicy, type PolicyCondition } from '../../src/policy/index.js';
import { evaluateReference } from './reference.js';

const KEYS = ['id', 'owner', 'tenant'] as const;
// 'a' dominates so that equalities (and the inherited or polluted 'a' next to an own 'a') happen often.
const value = fc.oneof({ weight: 6, arbitrary: fc.constant('a') }, fc.constantFrom('b', 1, '1', true, null, ['a']));
const side = fc.record({ resource: fc.boolean(), key: fc.constantFrom(...KEYS) });
const operand = fc.oneof(
  side.map((a) => ({ ref: `${a.resource ? 'resource' : 'subject'}.${a.key}` })),
  fc.oneof({ weight: 3, arbitrary: fc.constant('a') }, fc.constantFrom('b', 1, '1', true)),
);
const equality = fc.tuple(operand, operand).map(([a, b]) => ({ eq: [a, b] }));
const when = fc.oneof(
  equality,
  fc.tuple(equality, equality).map((parts) => ({ and: parts })),
) as unknown as fc.Arbitrary<PolicyCondition>;

class Entity {
  get id(): string {
    return 'a';
  }
}

/** An attribute bag built in one of the ways that puts attributes somewhere other than own data properties. */
const bag = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 }),
    fc.constantFrom('plain', 'inherited', 'null-prototype', 'class'),
  )
  .map(([own, inherited, kind]) => {
    const base = kind === 'inherited' ? inherited : kind === 'null-prototype' ? null : undefined;
    const o: Record<string, unknown> =
      kind === 'class' ? (new Entity() as unknown as Record<string, unknown>) : Object.create(base ?? Object.prototype);
    if (kind === 'null-prototype') Object.setPrototypeOf(o, null);
    // defineProperty, not assignment: a class accessor without a setter would refuse an assigned value.
    for (const [k, v] of Object.entries(own))
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });

const roots = fc.record({
  subject: fc.oneof({ weight: 5, arbitrary: bag }, { weight: 1, arbitrary: fc.constantFrom(null, 'a', 7) }),
  resource: fc.oneof({ weight: 5, arbitrary: bag }, { weight: 1, arbitrary: fc.constant(undefined) }),
  pollute: fc.option(fc.constantFrom(...KEYS), { nil: undefined, freq: 2 }),
});

afterEach(() => {
  for (const k of KEYS) delete (Object.prototype as Record<string, unknown>)[k];
});

describe('direct equality shapes agree with the reference evaluator', () => {
  it('on inherited, null-prototype, class and polluted inputs, for can and forSubject', () => {
    fc.assert(
      fc.property(when, roots, (condition, { subject, resource, pollute }) => {
        const policy = definePolicy({
          roles: { user: {} },
          rules: [{ effect: 'allow', roles: ['user'], actions: ['do'], resources: ['thing'], when: condition }],
        });
        // Roles and type are set as own properties: the condition is what is under test.
        const s =
          typeof subject === 'object' && subject !== null ? Object.assign(subject, { roles: ['user'] }) : subject;
        const r = resource === undefined ? 'thing' : Object.assign(resource, { type: 'thing' });
        const reader = typeof s === 'object' && s !== null ? policy.forSubject(s) : undefined;
        try {
          if (pollute !== undefined) (Object.prototype as Record<string, unknown>)[pollute] = 'a';
          const attributes = typeof r === 'string' ? undefined : r;
          const expected =
            typeof s === 'object' && s !== null && evaluateReference(condition, s, attributes, undefined, 0);
          expect(policy.can(s, 'do', r)).toBe(expected);
          if (reader !== undefined) expect(reader.can('do', r)).toBe(expected);
        } finally {
          if (pollute !== undefined) delete (Object.prototype as Record<string, unknown>)[pollute];
        }
      }),
      { numRuns: 1000 },
    );
  });
});
