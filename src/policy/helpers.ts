/**
 * Small builders for the conditions every app writes, returning plain data (so the policy stays serializable).
 */
import { BulwarkError } from '../errors.js';
import { parseReference } from './attributes.js';
import type { PolicyCondition } from './types.js';

function attribute(value: string, parameter: string): string {
  const parsed = typeof value === 'string' ? parseReference(`subject.${value}`) : 'must be a string';
  if (typeof parsed === 'string') {
    throw new BulwarkError('CONFIG_INVALID', `${parameter} must be an attribute path`, { details: { parameter } });
  }
  return parsed.attribute;
}

/**
 * The ownership (BOLA) condition: the resource's owner attribute equals the subject's id attribute.
 *
 * @throws CONFIG_INVALID when an attribute name is not a valid path.
 * @example
 * { effect: 'allow', roles: ['user'], actions: ['update'], resources: ['invoice'], when: ownerCondition() }
 * // same as when: { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] }
 */
export function ownerCondition(resourceAttribute = 'ownerId', subjectAttribute = 'id'): PolicyCondition {
  return {
    eq: [
      { ref: `resource.${attribute(resourceAttribute, 'resourceAttribute')}` },
      { ref: `subject.${attribute(subjectAttribute, 'subjectAttribute')}` },
    ],
  };
}
