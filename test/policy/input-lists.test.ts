/** Lists read from a request are bounded: work follows `length`, and a sparse array can claim 2^32 - 1 items. */
import { definePolicy, matchesFilter, type PolicyCondition } from 'bulwark/policy';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_LIST_LENGTH } from '../../src/policy/operators.js';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { sparse } from '../support/sparse.js';

const OVER = MAX_INPUT_LIST_LENGTH + 1;

/** A policy letting role `user` do each action on a `doc` when its condition holds. */
const userPolicy = (when: Record<string, PolicyCondition>) =>
  definePolicy({
    roles: { user: {} },
    rules: Object.entries(when).map(([action, condition]) => ({
      effect: 'allow' as const,
      roles: ['user'],
      actions: [action],
      resources: ['doc'],
      when: condition,
    })),
  });

describe('input lists', () => {
  const policy = userPolicy({
    read: { in: ['x', { ref: 'subject.groups' }] },
    list: { nin: ['x', { ref: 'subject.groups' }] },
  });

  it('deny with invalid-input past the bound, in every entry point, whatever the operator', () => {
    // Each subject would be allowed if its long list were read: `read` finds 'x', `list` finds none.
    const cases: [string, object][] = [
      ['read', { roles: sparse(OVER, { 0: 'user' }), groups: ['x'] }],
      ['list', { roles: sparse(OVER, { 0: 'user' }), groups: [] }],
      ['read', { roles: ['user'], groups: sparse(OVER, { [OVER - 1]: 'x' }) }],
      ['list', { roles: ['user'], groups: sparse(OVER) }],
      ['list', { roles: ['user'], groups: sparse(2 ** 32 - 1) }],
    ];
    for (const [action, subject] of cases) {
      expect(policy.can(subject, action, 'doc')).toBe(false);
      expect(policy.check(subject, action, 'doc')).toMatchObject({ allowed: false, reason: 'invalid-input' });
      expect(policy.forSubject(subject).can(action, 'doc')).toBe(false);
      expect(policy.filter(subject, action, 'doc')).toBe(false);
    }
  });

  it('decide as before up to the bound, holes read as absent', () => {
    const groups = sparse(MAX_INPUT_LIST_LENGTH, { 99999: 'x' });
    expect(policy.can({ roles: ['user'], groups }, 'read', 'doc')).toBe(true);
    expect(policy.can({ roles: ['user'], groups }, 'list', 'doc')).toBe(false);
    expect(policy.can({ roles: sparse(MAX_INPUT_LIST_LENGTH, { 5: 'user' }), groups: ['x'] }, 'read', 'doc')).toBe(
      true,
    );
    expect(policy.can({ roles: ['user'], groups: sparse(10) }, 'list', 'doc')).toBe(true);
  });

  it('matchesFilter agrees with can on a row list past the bound, and on a row it cannot read', () => {
    const tagged = userPolicy({ read: { contains: [{ ref: 'resource.tags' }, 'x'] } });
    const user = { roles: ['user'] };
    const filter = tagged.filter(user, 'read', 'doc');
    const rows = [
      { type: 'doc', tags: ['x'] },
      { type: 'doc', tags: sparse(MAX_INPUT_LIST_LENGTH, { 7: 'x' }) },
      { type: 'doc', tags: sparse(OVER, { 7: 'x' }) },
      {
        type: 'doc',
        get tags(): string[] {
          throw new Error('unreadable');
        },
      },
    ];
    expect(rows.map((row) => tagged.can(user, 'read', row))).toEqual([true, true, false, false]);
    expect(rows.map((row) => matchesFilter(filter, row))).toEqual([true, true, false, false]);
  });

  it('no list of a policy or filter can be longer than the bound', () => {
    const limits = { maxListLength: OVER };
    expectBulwarkErrorSync(() => definePolicy({ roles: { user: {} }, rules: [] }, { limits }), 'CONFIG_INVALID');
    const long = Array.from({ length: OVER }, (_, i) => `t${i}`);
    expectBulwarkErrorSync(
      () => matchesFilter({ in: [{ ref: 'resource.tag' }, long] }, { tag: 't1' }),
      'INPUT_INVALID',
    );
    expect(matchesFilter({ in: [{ ref: 'resource.tag' }, long.slice(1)] }, { tag: 't1' })).toBe(true);
  });
});
