/**
 * fast-check arbitraries for random policies and requests over one small attribute vocabulary, chosen so that
 * collisions (equal values, shared prefixes, type confusion, missing and null attributes) happen often.
 */
import fc from 'fast-check';

export const ROLES = ['guest', 'member', 'editor', 'admin'] as const;
export const ACTIONS = ['read', 'update', 'delete'] as const;
export const TYPES = ['doc', 'note'] as const;
export const NOW = Date.UTC(2026, 0, 7, 10, 30); // a Wednesday, 10:30 UTC

export const STRINGS = ['', 'a', 'ab', 'abc', 'A', 'b', 'é', '😀', "o'k", '%_', '1'];
export const NUMBERS = [0, -0, 1, 2, -1, 1.5, 100, 2147483647];
export const IPS = [
  '10.0.0.1',
  '10.1.2.3',
  '192.168.1.1',
  '::1',
  '2001:db8::5',
  '::ffff:10.0.0.9',
  'nope',
  '010.0.0.1',
];
export const RANGES = ['10.0.0.0/8', '192.168.0.0/16', '::1/128', '2001:db8::/32', '0.0.0.0/0'];

/** Resource attributes and their column types (the Postgres test maps each to a typed column). */
export const RESOURCE_ATTRIBUTES = {
  owner: 'text',
  tenant: 'text',
  label: 'text',
  n: 'number',
  m: 'number',
  flag: 'boolean',
  tags: 'text[]',
  nums: 'number[]',
  ghost: 'text',
} as const;
export type AttributeType = (typeof RESOURCE_ATTRIBUTES)[keyof typeof RESOURCE_ATTRIBUTES];

const SUBJECT_REFS = ['subject.id', 'subject.tenant', 'subject.n', 'subject.flag', 'subject.groups', 'subject.missing'];
const CONTEXT_REFS = ['context.n', 'context.label', 'context.missing'];
const RESOURCE_REFS = Object.keys(RESOURCE_ATTRIBUTES).map((k) => `resource.${k}`);

const text = fc.constantFrom(...STRINGS);
const number = fc.constantFrom(...NUMBERS);
const scalar = fc.oneof(text, number, fc.boolean());
const ref = fc.constantFrom(...SUBJECT_REFS, ...CONTEXT_REFS, ...RESOURCE_REFS).map((r) => ({ ref: r }));
const resourceRef = fc.constantFrom(...RESOURCE_REFS).map((r) => ({ ref: r }));

/** An operand: most often a reference, else a literal of the kind its position accepts. */
const operand = (literal: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: ref }, { weight: 2, arbitrary: literal });
const list = fc.array(scalar, { maxLength: 4 });

function comparison(op: string, left: fc.Arbitrary<unknown>, right: fc.Arbitrary<unknown>) {
  // At least one side refers to the resource most of the time, so filters keep something to translate.
  return fc
    .tuple(fc.boolean(), operand(left), operand(right), resourceRef)
    .map(([pin, a, b, r]) => ({ [op]: pin ? [r, b] : [a, b] }));
}

const leaf = fc.oneof(
  comparison('eq', scalar, scalar),
  comparison('ne', scalar, scalar),
  comparison('in', scalar, list),
  comparison('nin', scalar, list),
  comparison('lt', number, number),
  comparison('lte', number, number),
  comparison('gt', number, number),
  comparison('gte', number, number),
  comparison('contains', fc.oneof(list, text), scalar),
  comparison('startsWith', text, text),
  fc.oneof(ref, resourceRef).map((r) => ({ exists: r })),
  fc
    .tuple(fc.oneof(fc.constant({ ref: 'context.ip' }), fc.constantFrom(...IPS)), fc.subarray(RANGES, { minLength: 1 }))
    .map(([a, r]) => ({ inCidr: [a, r] })),
  fc
    .record({ from: fc.constantFrom('09:00', '22:00', '00:00'), to: fc.constantFrom('17:00', '06:00', '10:31') })
    .map((w) => ({ timeWindow: [{ ref: 'context.now' }, w] })),
);

export const condition: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((c) => ({ and: c })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((c) => ({ or: c })),
    tie('node').map((c) => ({ not: c })),
  ),
})).node;

export const rule = fc
  .record(
    {
      effect: fc.constantFrom('allow', 'deny'),
      roles: fc.subarray([...ROLES], { minLength: 1 }),
      actions: fc.subarray([...ACTIONS], { minLength: 1 }),
      resources: fc.subarray([...TYPES], { minLength: 1 }),
      when: condition,
      fields: fc.subarray(['owner', 'label', 'n'], { minLength: 1 }),
      crossTenant: fc.boolean(),
    },
    { requiredKeys: ['effect', 'roles', 'actions', 'resources'] },
  )
  .map((r) => {
    const out: Record<string, unknown> = { ...r };
    if (r.effect === 'deny') delete out.crossTenant;
    return out;
  });

/** Roles form a DAG: each role may inherit only roles declared before it. */
const roles = fc
  .tuple(...ROLES.map((_, i) => fc.subarray(ROLES.slice(0, i) as string[])))
  .map((parents) =>
    Object.fromEntries(ROLES.map((r, i) => [r, parents[i]!.length > 0 ? { inherits: parents[i] } : {}])),
  );

export const policyData = fc.record({ roles, rules: fc.array(rule, { maxLength: 8 }) });
export const tenantOption = fc.constantFrom(undefined, 'tenant');

const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.constant(null));
/** Identity-like attributes collide often, so ownership and tenant conditions are often true. */
const identity = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('a', 'b') }, { weight: 1, arbitrary: scalar });
export const subject = fc.record(
  {
    id: identity,
    tenant: identity,
    n: fc.oneof(number, text),
    flag: fc.boolean(),
    groups: fc.oneof(fc.array(scalar, { maxLength: 3 }), text),
    ip: fc.constantFrom(...IPS),
    roles: fc.oneof(
      { weight: 5, arbitrary: fc.subarray([...ROLES, 'ghost']) },
      { weight: 1, arbitrary: fc.constantFrom('admin', null) },
    ),
  },
  { requiredKeys: ['roles'] },
);
export const context = fc.option(
  fc.record(
    { n: value, label: text, ip: fc.constantFrom(...IPS), now: fc.constantFrom(NOW, NOW + 12 * 3_600_000) },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** A resource with loosely typed attributes (type confusion included) for in-memory properties. */
export const looseResource = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.record(
      Object.fromEntries(
        Object.keys(RESOURCE_ATTRIBUTES).map((k) => [
          k,
          k === 'owner' || k === 'tenant' ? fc.oneof(identity, value) : value,
        ]),
      ),
      { requiredKeys: [] },
    ),
  )
  .map(([type, attributes]) => ({ ...attributes, type }));

export const request = fc.record({
  subject,
  action: fc.constantFrom(...ACTIONS, 'publish'),
  resource: looseResource,
  context,
});
