/** Lists read from a request are bounded: work follows `length`, and a sparse array can claim 2^32 - 1 items. */
import { definePolicy } from 'bulwark/policy';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_LIST_LENGTH } from '../../src/policy/operators.js';

const sparse = (length: number, items: Record<number, unknown> = {}): unknown[] => {
  const list: unknown[] = [];
  list.length = length;
  for (const [i, v] of Object.entries(items)) list[Number(i)] = v;
  return list;
};

describe('input lists', () => {
  const policy = definePolicy({
    roles: { user: {} },
    rules: [
      {
        effect: 'allow',
        roles: ['user'],
        actions: ['read'],
        resources: ['doc'],
        when: { in: ['x', { ref: 'subject.groups' }] },
      },
      {
        effect: 'allow',
        roles: ['user'],
        actions: ['list'],
        resources: ['doc'],
        when: { nin: ['x', { ref: 'subject.groups' }] },
      },
    ],
  });

  it('deny with invalid-input past the bound, in every entry point, whatever the operator', () => {
    const huge = sparse(2 ** 32 - 1);
    for (const subject of [
      { roles: huge },
      { roles: ['user'], groups: huge },
      { roles: ['user'], groups: sparse(MAX_INPUT_LIST_LENGTH + 1) },
    ]) {
      for (const action of ['read', 'list']) {
        expect(policy.can(subject, action, 'doc')).toBe(false);
        expect(policy.check(subject, action, 'doc').allowed).toBe(false);
        expect(policy.forSubject(subject).can(action, 'doc')).toBe(false);
        expect(policy.filter(subject, action, 'doc')).toBe(false);
      }
    }
    expect(policy.check({ roles: ['user'], groups: huge }, 'list', 'doc').reason).toBe('invalid-input');
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
});
