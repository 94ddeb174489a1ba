/**
 * Reading `definePolicy` options: every option is checked before the policy is read, and bad ones throw
 * CONFIG_INVALID naming the parameter.
 */
import { BulwarkError } from '../errors.js';
import { readNowOption, readOptions } from '../internal/assert.js';
import { parseReference } from './attributes.js';
import type { CompileEnvironment } from './condition-compile.js';
import type { PolicyDecisionEvent, PolicyLimits, PolicyOptions, PolicyTenantOption } from './types.js';
import { readLimits } from './validate.js';

export interface ReadPolicyOptions {
  limits: PolicyLimits;
  tenant: PolicyTenantOption | undefined;
  typeKey: string;
  onDecision: ((event: PolicyDecisionEvent) => void) | undefined;
  env: CompileEnvironment;
}

function configError(parameter: string, rule: string): BulwarkError {
  return new BulwarkError('CONFIG_INVALID', `${parameter} ${rule}`, { details: { parameter } });
}

function readAttributeName(value: unknown, parameter: string): string {
  const parsed = typeof value === 'string' ? parseReference(`resource.${value}`) : 'must be a string';
  if (typeof parsed === 'string' || parsed.segments.length !== 1)
    throw configError(parameter, 'must be an attribute name');
  return parsed.attribute;
}

function readTenant(tenant: unknown): PolicyTenantOption | undefined {
  if (tenant === undefined) return undefined;
  if (typeof tenant === 'string')
    return { subject: readAttributeName(tenant, 'tenant'), resource: readAttributeName(tenant, 'tenant') };
  if (typeof tenant !== 'object' || tenant === null)
    throw configError('tenant', 'must be a string or { subject, resource }');
  const t = tenant as Record<string, unknown>;
  return {
    subject: readAttributeName(t.subject, 'tenant.subject'),
    resource: readAttributeName(t.resource, 'tenant.resource'),
  };
}

/**
 * Gives every plain object of a structured clone no prototype, in place for arrays. A policy's optional members
 * (`when`, `fields`, `crossTenant`, `inherits`, a time window's `timeZone` or `days`) are read as `rule.when`; on a
 * plain object a member the policy left out would read through to a polluted `Object.prototype`, and whatever it
 * found there would be compiled into the policy for good.
 */
export function withoutPrototypes<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value !== 'object' || value === null) return value;
  // A clone may be cyclic (validation reports the cycle): each object is converted once.
  if (seen.has(value)) return seen.get(value) as T;
  if (Array.isArray(value)) {
    seen.set(value, value);
    // Object.keys, not 0..length: a sparse list of a billion slots lists only its items (validation refuses it).
    for (const key of Object.keys(value)) {
      const i = Number(key);
      if (String(i) === key) value[i] = withoutPrototypes(value[i], seen);
    }
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = Object.create(null);
  seen.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = withoutPrototypes((value as Record<string, unknown>)[key], seen);
  return copy as T;
}

/** Freezes an object graph (policy sources and filters are immutable once made). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Checks and normalises the options of `definePolicy`. */
export function readPolicyOptions(options: PolicyOptions | undefined): ReadPolicyOptions {
  const o = readOptions<PolicyOptions>(options);
  const limits = readLimits(o.limits);
  const tenant = readTenant(o.tenant);
  const typeKey = o.resourceTypeKey === undefined ? 'type' : readAttributeName(o.resourceTypeKey, 'resourceTypeKey');
  const onDecision = o.onDecision;
  if (onDecision !== undefined && typeof onDecision !== 'function')
    throw configError('onDecision', 'must be a function');
  return { limits, tenant, typeKey, onDecision, env: { now: readNowOption(o.now, () => Date.now()) } };
}
