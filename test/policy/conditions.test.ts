import { describe, expect, it } from 'vitest';
import { definePolicy, type PolicyCondition } from '../../src/policy/index.js';

const NOW = Date.UTC(2026, 0, 7, 10, 30); // Wednesday 10:30 UTC

/** True when a single allow rule with `when` lets the request through. */
function holds(when: unknown, attributes: { subject?: object; resource?: object; context?: object } = {}): boolean {
  const policy = definePolicy(
    {
      roles: { user: {} },
      rules: [
        { effect: 'allow', roles: ['user'], actions: ['do'], resources: ['thing'], when: when as PolicyCondition },
      ],
    },
    { now: () => NOW },
  );
  const resource = { ...attributes.resource, type: 'thing' };
  return policy.can({ ...attributes.subject, roles: ['user'] }, 'do', resource, attributes.context);
}

const r = (name: string) => ({ ref: `resource.${name}` });
const s = (name: string) => ({ ref: `subject.${name}` });
const c = (name: string) => ({ ref: `context.${name}` });

describe('condition operators', () => {
  it('literals true and false', () => {
    expect(holds(true)).toBe(true);
    expect(holds(false)).toBe(false);
  });

  it('eq: strict, scalar only, absent never equal', () => {
    expect(holds({ eq: [r('a'), 1] }, { resource: { a: 1 } })).toBe(true);
    expect(holds({ eq: [r('a'), 1] }, { resource: { a: '1' } })).toBe(false);
    expect(holds({ eq: [r('a'), true] }, { resource: { a: 1 } })).toBe(false);
    expect(holds({ eq: [r('a'), s('a')] }, { resource: { a: 'x' }, subject: { a: 'x' } })).toBe(true);
    expect(holds({ eq: [r('a'), s('a')] }, {})).toBe(false);
    expect(holds({ eq: [r('a'), s('a')] }, { resource: { a: null }, subject: { a: null } })).toBe(false);
    const shared = ['x'];
    expect(holds({ eq: [r('a'), s('a')] }, { resource: { a: shared }, subject: { a: shared } })).toBe(false);
    expect(holds({ eq: [r('a'), 0] }, { resource: { a: -0 } })).toBe(true);
    expect(holds({ eq: [r('a'), s('a')] }, { resource: { a: Number.NaN }, subject: { a: Number.NaN } })).toBe(false);
  });

  it('ne is the exact negation of eq (absent is not equal)', () => {
    expect(holds({ ne: [r('a'), 1] }, { resource: { a: 2 } })).toBe(true);
    expect(holds({ ne: [r('a'), 1] }, { resource: { a: 1 } })).toBe(false);
    expect(holds({ ne: [r('a'), 1] }, { resource: { a: '1' } })).toBe(true);
    expect(holds({ ne: [r('a'), 1] }, {})).toBe(true);
  });

  it('in / nin: strict membership in a list (literal or attribute); a string is not a list', () => {
    expect(holds({ in: [r('a'), ['x', 'y']] }, { resource: { a: 'y' } })).toBe(true);
    expect(holds({ in: [r('a'), [1, 2]] }, { resource: { a: '1' } })).toBe(false);
    expect(holds({ in: [r('a'), s('groups')] }, { resource: { a: 'g1' }, subject: { groups: ['g1'] } })).toBe(true);
    expect(holds({ in: [r('a'), s('groups')] }, { resource: { a: 'g1' }, subject: { groups: 'g1,g2' } })).toBe(false);
    expect(holds({ in: [r('a'), ['x']] }, { resource: { a: ['x'] } })).toBe(false);
    expect(holds({ in: [r('a'), Array.from({ length: 40 }, (_, i) => i)] }, { resource: { a: 39 } })).toBe(true);
    expect(holds({ nin: [r('a'), ['x']] }, { resource: { a: 'y' } })).toBe(true);
    expect(holds({ nin: [r('a'), ['x']] }, { resource: { a: 'x' } })).toBe(false);
    expect(holds({ nin: [r('a'), ['x']] }, {})).toBe(true);
  });

  it('lt, lte, gt, gte: numbers only', () => {
    expect(holds({ lt: [r('a'), 5] }, { resource: { a: 4 } })).toBe(true);
    expect(holds({ lt: [r('a'), 5] }, { resource: { a: 5 } })).toBe(false);
    expect(holds({ lte: [r('a'), 5] }, { resource: { a: 5 } })).toBe(true);
    expect(holds({ gt: [r('a'), 5] }, { resource: { a: 6 } })).toBe(true);
    expect(holds({ gte: [r('a'), 5] }, { resource: { a: 5 } })).toBe(true);
    expect(holds({ gte: [r('a'), 5] }, { resource: { a: '9' } })).toBe(false);
    expect(holds({ lt: [r('a'), s('b')] }, { resource: { a: 'a' }, subject: { b: 'b' } })).toBe(false);
    expect(holds({ lt: [r('a'), 5] }, { resource: { a: null } })).toBe(false);
    expect(holds({ not: { lt: [r('a'), 5] } }, { resource: { a: null } })).toBe(true);
  });

  it('contains: element of a list, or substring of a string, never mixed', () => {
    expect(holds({ contains: [r('tags'), 'red'] }, { resource: { tags: ['blue', 'red'] } })).toBe(true);
    expect(holds({ contains: [r('tags'), 'red'] }, { resource: { tags: ['reddish'] } })).toBe(false);
    expect(holds({ contains: [r('name'), 'dmi'] }, { resource: { name: 'admin' } })).toBe(true);
    expect(holds({ contains: [r('tags'), 1] }, { resource: { tags: ['1'] } })).toBe(false);
    expect(holds({ contains: [r('name'), 1] }, { resource: { name: '1' } })).toBe(false);
    expect(holds({ contains: [['a', 'b'], r('x')] }, { resource: { x: 'b' } })).toBe(true);
    expect(holds({ contains: [r('n'), 1] }, { resource: { n: 1 } })).toBe(false);
  });

  it('startsWith: strings only', () => {
    expect(holds({ startsWith: [r('path'), '/public/'] }, { resource: { path: '/public/a' } })).toBe(true);
    expect(holds({ startsWith: [r('path'), '/public/'] }, { resource: { path: '/private' } })).toBe(false);
    expect(
      holds({ startsWith: [r('path'), s('home')] }, { resource: { path: ['/home/u'] }, subject: { home: '/home' } }),
    ).toBe(false);
    expect(holds({ startsWith: [r('path'), ''] }, { resource: { path: 'x' } })).toBe(true);
  });

  it('exists: own, non-null attribute', () => {
    expect(holds({ exists: r('a') }, { resource: { a: 0 } })).toBe(true);
    expect(holds({ exists: r('a') }, { resource: { a: false } })).toBe(true);
    expect(holds({ exists: r('a') }, { resource: { a: null } })).toBe(false);
    expect(holds({ exists: r('a') }, { resource: {} })).toBe(false);
    expect(holds({ exists: r('toString') }, { resource: {} })).toBe(false);
    expect(holds({ exists: r('a.b') }, { resource: { a: { b: 'x' } } })).toBe(true);
    expect(holds({ exists: r('a.b') }, { resource: { a: 'b' } })).toBe(false);
  });

  it('and, or, not', () => {
    const yes = { eq: [1, 1] };
    const no = { eq: [1, 2] };
    expect(holds({ and: [yes, yes, yes] })).toBe(true);
    expect(holds({ and: [yes, no] })).toBe(false);
    expect(holds({ and: [yes, yes, no] })).toBe(false);
    expect(holds({ or: [no, yes] })).toBe(true);
    expect(holds({ or: [no, no] })).toBe(false);
    expect(holds({ not: no })).toBe(true);
    expect(holds({ not: { not: yes } })).toBe(true);
  });

  it('inCidr: IPv4, IPv6, IPv4-mapped IPv6, strict parsing', () => {
    const inside = (ip: unknown, ranges: string | string[]) =>
      holds({ inCidr: [c('ip'), ranges] }, { context: { ip } });
    expect(inside('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inside('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inside('192.168.1.77', ['10.0.0.0/8', '192.168.1.64/26'])).toBe(true);
    expect(inside('192.168.1.128', '192.168.1.64/26')).toBe(false);
    expect(inside('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inside('1.2.3.4', '1.2.3.4')).toBe(true);
    expect(inside('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(inside('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(inside('::1', '::1/128')).toBe(true);
    expect(inside('::ffff:10.9.8.7', '10.0.0.0/8')).toBe(true);
    expect(inside('::ffff:a09:807', '10.0.0.0/8')).toBe(true);
    expect(inside('10.0.0.1', '::/0')).toBe(false);
    expect(inside('2001:db8:0:0:0:0:0:1', '2001:db8::/126')).toBe(true);
    expect(inside('64:ff9b::192.0.2.33', '64:ff9b::/96')).toBe(true);
    // Octal-looking, out-of-range, zone ids, garbage, non-strings: never inside.
    for (const bad of [
      '010.0.0.1',
      '10.0.0.256',
      '10.0.0',
      '10.0.0.1.5',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '',
      'x',
      167772161,
      ['10.0.0.1'],
    ]) {
      expect(inside(bad, ['0.0.0.0/0', '::/0'])).toBe(false);
    }
    expect(holds({ inCidr: ['10.0.0.1', '10.0.0.0/8'] })).toBe(true);
  });

  it('timeWindow: days, hours, midnight wrap, time zones, context.now or the clock', () => {
    const at = (iso: string, window: object) =>
      holds({ timeWindow: [c('now'), window] }, { context: { now: Date.parse(iso) } });
    const office = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' };
    expect(at('2026-01-07T09:00:00Z', office)).toBe(true);
    expect(at('2026-01-07T16:59:59Z', office)).toBe(true);
    expect(at('2026-01-07T17:00:00Z', office)).toBe(false);
    expect(at('2026-01-10T10:00:00Z', office)).toBe(false); // Saturday
    const night = { days: ['fri'], from: '22:00', to: '06:00' };
    expect(at('2026-01-09T23:00:00Z', night)).toBe(true); // Friday night
    expect(at('2026-01-10T05:59:00Z', night)).toBe(true); // still Friday's shift
    expect(at('2026-01-10T23:00:00Z', night)).toBe(false); // Saturday night
    const berlin = { ...office, timeZone: 'Europe/Berlin' };
    expect(at('2026-01-07T08:30:00Z', berlin)).toBe(true); // 09:30 CET
    expect(at('2026-07-08T15:30:00Z', berlin)).toBe(false); // 17:30 CEST
    expect(at('2026-07-08T14:30:00Z', berlin)).toBe(true); // 16:30 CEST
    // Without context.now the policy clock is used (NOW is Wednesday 10:30 UTC).
    expect(holds({ timeWindow: [c('now'), office] })).toBe(true);
    expect(holds({ timeWindow: [c('now'), office] }, { context: { now: 'tomorrow' } })).toBe(false);
    expect(holds({ timeWindow: [c('now'), office] }, { context: { now: 1e20 } })).toBe(false);
    expect(holds({ timeWindow: [s('loginAt'), office] })).toBe(false);
  });
});
