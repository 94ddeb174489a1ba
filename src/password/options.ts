import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { equalBytes, isBytes } from '../internal/bytes.js';
import { isScryptNWithinRfcBound } from '../runtime/index.js';

/** scrypt cost parameters, as they appear in a PHC string (`ln`, `r`, `p`). */
export interface ScryptCost {
  /** log2 of N, the CPU and memory cost (PHC `ln`). Memory is 128 · 2^logN · blockSize bytes. */
  logN: number;
  /** The block size r (PHC `r`). */
  blockSize: number;
  /** The parallelism p (PHC `p`): CPU time grows with it, memory does not. */
  parallelism: number;
}

/** Upper bounds on the cost a stored hash may ask for: checked before any work, so a tampered row cannot DoS. */
export interface ScryptCostLimits extends ScryptCost {
  /** Bound on scrypt's working memory, 128 · N · r bytes. */
  memoryBytes: number;
  /** Bound on the total work, 128 · N · r · p bytes processed (proportional to CPU time). */
  workBytes: number;
}

/**
 * A secret key mixed into every password (HMAC-SHA256 before scrypt), named so that it can be rotated.
 * @example
 * const pepper: PasswordPepper = { id: '2026', key: decodeBase64(env.PASSWORD_PEPPER) };
 */
export interface PasswordPepper {
  /** Recorded in the hash (`pepper=<id>`): 1 to 32 characters from `A-Z a-z 0-9 . -`. */
  id: string;
  /** At least 32 random bytes, kept outside the database (a secret manager, an environment variable). */
  key: Uint8Array;
}

/**
 * Options shared by `hashPassword`, `verifyPassword`, `needsRehash` and `isPasswordReused`: pass the same object to
 * all of them.
 * @example
 * const passwordOptions: PasswordHashOptions = { pepper: current, previousPeppers: [retired] };
 */
export interface PasswordHashOptions {
  /** Cost of new hashes; stored hashes below it make `needsRehash` true. Default {@link DEFAULT_SCRYPT_COST}. */
  cost?: ScryptCost;
  /** Bounds on the cost a stored hash may ask for. Default {@link DEFAULT_SCRYPT_COST_LIMITS}. */
  maxCost?: Partial<ScryptCostLimits>;
  /** Longest password accepted, in UTF-8 bytes (after normalization as well as before). Default 4096. */
  maxPasswordBytes?: number;
  /** The current pepper: new hashes use it. */
  pepper?: PasswordPepper;
  /** Retired peppers still needed to verify older hashes until they are rehashed. */
  previousPeppers?: readonly PasswordPepper[];
  /**
   * Allow a `cost` below 16 MiB of memory (logN 14 with blockSize 8) for new hashes. For tests and
   * constrained devices only: a low cost makes offline guessing cheap.
   */
  unsafeAllowLowCost?: boolean;
}

/**
 * OWASP's recommended scrypt cost: N = 2^17, r = 8, p = 1 (128 MiB, about 0.2-0.5 s on a server core).
 * @example
 * await hashPassword(pw, { cost: { ...DEFAULT_SCRYPT_COST, logN: 18 } }); // twice the default work
 */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ logN: 17, blockSize: 8, parallelism: 1 });

/**
 * Default bounds for stored hashes: up to 256 MiB of memory and 8× the default work.
 * @example
 * await verifyPassword(pw, stored, { maxCost: { ...DEFAULT_SCRYPT_COST_LIMITS, parallelism: 32 } });
 */
export const DEFAULT_SCRYPT_COST_LIMITS: Readonly<ScryptCostLimits> = Object.freeze({
  logN: 20,
  blockSize: 32,
  parallelism: 16,
  memoryBytes: 256 * 2 ** 20,
  workBytes: 2 ** 30,
});

/**
 * Default maximum password length in UTF-8 bytes.
 * @example
 * await hashPassword(pw, { maxPasswordBytes: 2 * DEFAULT_MAX_PASSWORD_BYTES });
 */
export const DEFAULT_MAX_PASSWORD_BYTES = 4096;

/** Below this much memory (128 · N · r) a new hash needs `unsafeAllowLowCost`. */
const MIN_SAFE_MEMORY_BYTES = 16 * 2 ** 20;
const PEPPER_ID = /^[A-Za-z0-9.-]{1,32}$/;
const MIN_PEPPER_BYTES = 32;

/** Options after defaults and validation. */
export interface ResolvedPasswordOptions {
  cost: ScryptCost;
  limits: ScryptCostLimits;
  maxPasswordBytes: number;
  pepper: PasswordPepper | undefined;
  peppers: ReadonlyMap<string, Uint8Array>;
}

/** 128 · N · r: scrypt's working memory in bytes. */
function scryptMemoryBytes(cost: ScryptCost): number {
  return 128 * 2 ** cost.logN * cost.blockSize;
}

/** True when `cost` asks for more than `limits` allow, in any parameter, memory or total work. */
export function exceedsCostLimits(cost: ScryptCost, limits: ScryptCostLimits): boolean {
  const memory = scryptMemoryBytes(cost);
  return (
    cost.logN > limits.logN ||
    cost.blockSize > limits.blockSize ||
    cost.parallelism > limits.parallelism ||
    memory > limits.memoryBytes ||
    memory * cost.parallelism > limits.workBytes
  );
}

function checkPepper(value: unknown, name: string): PasswordPepper {
  const pepper = value as Partial<PasswordPepper> | null;
  if (typeof pepper !== 'object' || pepper === null || typeof pepper.id !== 'string' || !PEPPER_ID.test(pepper.id)) {
    throw new BulwarkError('CONFIG_INVALID', `${name}.id must be 1 to 32 characters from A-Z a-z 0-9 . -`, {
      details: { parameter: `${name}.id` },
    });
  }
  if (!isBytes(pepper.key) || pepper.key.length < MIN_PEPPER_BYTES) {
    throw new BulwarkError('CONFIG_INVALID', `${name}.key must be a Uint8Array of at least 32 bytes`, {
      details: { parameter: `${name}.key` },
    });
  }
  return { id: pepper.id, key: pepper.key };
}

function readCost(value: unknown, limits: ScryptCostLimits, allowLow: boolean): ScryptCost {
  const c = value === undefined ? DEFAULT_SCRYPT_COST : readOptions<ScryptCost>(value, 'cost');
  const cost = {
    logN: assertIntegerInRange(c.logN, 'cost.logN', 1, limits.logN),
    blockSize: assertIntegerInRange(c.blockSize, 'cost.blockSize', 1, limits.blockSize),
    parallelism: assertIntegerInRange(c.parallelism, 'cost.parallelism', 1, limits.parallelism),
  };
  // Each parameter is within its own limit by now, so only memoryBytes or workBytes can still be exceeded.
  if (exceedsCostLimits(cost, limits)) {
    throw new BulwarkError('CONFIG_INVALID', 'cost exceeds maxCost (memoryBytes or workBytes)', {
      details: { parameter: 'cost' },
    });
  }
  if (!isScryptNWithinRfcBound(2 ** cost.logN, cost.blockSize)) {
    throw new BulwarkError('CONFIG_INVALID', 'cost.logN must be below 16 · cost.blockSize (RFC 7914: N < 2^(16·r))', {
      details: { parameter: 'cost.logN' },
    });
  }
  if (scryptMemoryBytes(cost) < MIN_SAFE_MEMORY_BYTES && !allowLow) {
    throw new BulwarkError(
      'CONFIG_INVALID',
      'cost is below 16 MiB of memory (128 · 2^logN · blockSize); set unsafeAllowLowCost for tests only',
      { details: { parameter: 'cost' } },
    );
  }
  return cost;
}

function readLimits(value: unknown): ScryptCostLimits {
  if (value === undefined) return DEFAULT_SCRYPT_COST_LIMITS;
  const m = readOptions<ScryptCostLimits>(value, 'maxCost');
  const d = DEFAULT_SCRYPT_COST_LIMITS;
  // 2^40 bytes is far beyond any machine a verifier runs on; the caps keep arithmetic exact in doubles.
  return {
    logN: assertIntegerInRange(m.logN ?? d.logN, 'maxCost.logN', 1, 40),
    blockSize: assertIntegerInRange(m.blockSize ?? d.blockSize, 'maxCost.blockSize', 1, 1024),
    parallelism: assertIntegerInRange(m.parallelism ?? d.parallelism, 'maxCost.parallelism', 1, 1024),
    memoryBytes: assertIntegerInRange(m.memoryBytes ?? d.memoryBytes, 'maxCost.memoryBytes', 1, 2 ** 40),
    workBytes: assertIntegerInRange(m.workBytes ?? d.workBytes, 'maxCost.workBytes', 1, 2 ** 44),
  };
}

/**
 * Applies defaults and validates every option up front.
 * @throws BulwarkError CONFIG_INVALID
 */
export function resolvePasswordOptions(options: unknown): ResolvedPasswordOptions {
  const o = readOptions<PasswordHashOptions>(options);
  const limits = readLimits(o.maxCost);
  const cost = readCost(o.cost, limits, o.unsafeAllowLowCost === true);
  const maxPasswordBytes = assertIntegerInRange(
    o.maxPasswordBytes ?? DEFAULT_MAX_PASSWORD_BYTES,
    'maxPasswordBytes',
    1,
    2 ** 20,
  );
  const pepper = o.pepper === undefined ? undefined : checkPepper(o.pepper, 'pepper');
  const peppers = new Map<string, Uint8Array>();
  if (o.previousPeppers !== undefined) {
    if (!Array.isArray(o.previousPeppers)) {
      throw new BulwarkError('CONFIG_INVALID', 'previousPeppers must be an array', {
        details: { parameter: 'previousPeppers' },
      });
    }
    o.previousPeppers.forEach((p, i) => {
      const checked = checkPepper(p, `previousPeppers[${i}]`);
      // A repeated id would keep only the last key, and hashes made under the first would stop verifying.
      if (peppers.has(checked.id)) {
        throw new BulwarkError('CONFIG_INVALID', `previousPeppers[${i}].id repeats an earlier id`, {
          details: { parameter: `previousPeppers[${i}]` },
        });
      }
      peppers.set(checked.id, checked.key);
    });
  }
  if (pepper !== undefined) {
    const previous = peppers.get(pepper.id);
    if (previous !== undefined && !equalBytes(previous, pepper.key)) {
      throw new BulwarkError('CONFIG_INVALID', 'pepper.id is reused by a different key in previousPeppers', {
        details: { parameter: 'pepper.id' },
      });
    }
    peppers.set(pepper.id, pepper.key);
  }
  return { cost, limits, maxPasswordBytes, pepper, peppers };
}
