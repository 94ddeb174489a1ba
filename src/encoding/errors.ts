import { BulwarkError } from '../errors.js';

/** One fixed message per encoding and rule: the input itself is never echoed (it may be a secret). */
export function invalidEncoding(encoding: string, rule: string): BulwarkError {
  return new BulwarkError('ENCODING_INVALID', `invalid ${encoding}: ${rule}`, { details: { encoding, rule } });
}

export function requireString(value: unknown, encoding: string): string {
  if (typeof value !== 'string') throw invalidEncoding(encoding, 'input must be a string');
  return value;
}
