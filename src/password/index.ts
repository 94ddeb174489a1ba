/**
 * `bulwark/password`: scrypt password hashing in PHC strings, verification of hashes from other systems, upgrade on
 * login, peppers, and a NIST SP 800-63B password policy with an optional k-anonymity breach check.
 * The common-password list lives in `bulwark/password/blocklist` so this entry stays small.
 */
export { type BreachRangeFetcher, countPasswordBreaches } from './breach.js';
export { hashPassword, isPasswordReused, needsRehash, verifyPassword } from './hash.js';
export type { PasswordInput } from './input.js';
export {
  DEFAULT_MAX_PASSWORD_BYTES,
  DEFAULT_SCRYPT_COST,
  DEFAULT_SCRYPT_COST_LIMITS,
  type PasswordHashOptions,
  type PasswordPepper,
  type ScryptCost,
  type ScryptCostLimits,
} from './options.js';
export {
  checkPasswordPolicy,
  checkPasswordPolicySync,
  DEFAULT_PASSWORD_POLICY,
  type PasswordBlocklist,
  type PasswordPolicyOptions,
  type PasswordPolicyResult,
  type PasswordProblem,
  type PasswordProblemCode,
} from './policy.js';
