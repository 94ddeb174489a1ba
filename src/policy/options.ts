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
