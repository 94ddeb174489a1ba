/**
 * The two store capabilities OTP needs, each one atomic operation, and the memory store that is their executable
 * specification. A Redis or SQL backend implements the same two methods (one script or statement each).
 */
import { BulwarkError, isBulwarkError } from '../errors.js';
import { assertIntegerInRange, readNowOption, readOptions } from '../internal/assert.js';

/** Remembers the last accepted TOTP step per key, so each step is accepted at most once (RFC 6238 §5.2). */
export interface OtpReplayStore {
  /**
   * Atomically: if `step` is greater than the last recorded step for `key` (or none is recorded), record it,
   * expiring after `ttlMs`, and return true; otherwise return false and change nothing.
   */
  markOtpStepUsed(key: string, step: number, ttlMs: number): Promise<boolean>;
}

/** Remembers which recovery codes were used. Marks must live as long as the code set they belong to. */
export interface RecoveryCodeStore {
  /** Atomically set-if-absent: true the first time `codeId` is marked for `key`, false ever after. */
  markRecoveryCodeUsed(key: string, codeId: string): Promise<boolean>;
}

/** Options for {@link createMemoryOtpStore}. */
export interface MemoryOtpStoreOptions {
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Most step records kept; past it, expired then oldest records are evicted. Default 100 000. */
  maxSteps?: number;
  /** Most recovery-code marks kept; past it, marking fails with STORE_UNAVAILABLE (never forgets a used code). */
  maxRecoveryMarks?: number;
}

/** Defaults of {@link createMemoryOtpStore}. */
export const DEFAULT_MEMORY_OTP_STORE_OPTIONS = Object.freeze({ maxSteps: 100_000, maxRecoveryMarks: 1_000_000 });

/** A store that implements both OTP capabilities in one process. */
export type MemoryOtpStore = OtpReplayStore & RecoveryCodeStore;

const MAX_TTL_MS = 2 ** 31 - 1;
const EVICTION_SCAN = 16;

/**
 * An in-process store for TOTP replay records and recovery-code marks: for one server, tests and the quickstart.
 * Several instances behind a load balancer need a shared store (the Redis adapter), or a code accepted on one
 * instance can be replayed on another. No timers: records expire lazily when touched or evicted.
 * @throws BulwarkError CONFIG_INVALID for bad options; the recovery method throws STORE_UNAVAILABLE when full
 * @example
 * const store = createMemoryOtpStore();
 * await verifyTotp(code, secret, { replay: { store, key: user.id } });
 */
export function createMemoryOtpStore(options?: MemoryOtpStoreOptions): MemoryOtpStore {
  const o = readOptions<MemoryOtpStoreOptions>(options);
  const now = readNowOption(o.now, Date.now);
  const maxSteps = assertIntegerInRange(
    o.maxSteps ?? DEFAULT_MEMORY_OTP_STORE_OPTIONS.maxSteps,
    'maxSteps',
    1,
    2 ** 30,
  );
  const maxMarks = assertIntegerInRange(
    o.maxRecoveryMarks ?? DEFAULT_MEMORY_OTP_STORE_OPTIONS.maxRecoveryMarks,
    'maxRecoveryMarks',
    1,
    2 ** 30,
  );
  // Insertion order is update order (we delete before re-setting), so the first entries are the oldest.
  const steps = new Map<string, { step: number; expiresAt: number }>();
  const marks = new Set<string>();

  function evictOneStep(at: number): void {
    let scanned = 0;
    for (const [key, record] of steps) {
      if (record.expiresAt <= at) {
        steps.delete(key);
        return;
      }
      if (++scanned >= EVICTION_SCAN) break;
    }
    const oldest = steps.keys().next();
    if (oldest.done !== true) steps.delete(oldest.value);
  }

  return {
    async markOtpStepUsed(key, step, ttlMs) {
      checkKey(key);
      if (!Number.isSafeInteger(step) || step < 0) throw storeInputInvalid('step');
      if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) throw storeInputInvalid('ttlMs');
      const at = now();
      const record = steps.get(key);
      if (record !== undefined && record.expiresAt > at && record.step >= step) return false;
      steps.delete(key);
      if (steps.size >= maxSteps) evictOneStep(at);
      steps.set(key, { step, expiresAt: at + ttlMs });
      return true;
    },
    async markRecoveryCodeUsed(key, codeId) {
      checkKey(key);
      checkKey(codeId, 'codeId');
      // Length-prefixed so that no (key, codeId) pair can alias another.
      const id = `${key.length}:${key}${codeId}`;
      if (marks.has(id)) return false;
      if (marks.size >= maxMarks) {
        throw new BulwarkError('STORE_UNAVAILABLE', 'memory OTP store is full: recovery-code marks are never evicted', {
          details: { maxRecoveryMarks: maxMarks },
        });
      }
      marks.add(id);
      return true;
    },
  };
}

function storeInputInvalid(name: string): BulwarkError {
  return new BulwarkError('INPUT_INVALID', `${name} is out of range`, { details: { parameter: name } });
}

/** Store keys are non-empty strings of bounded length (they end up in Redis keys and SQL rows). */
export function checkKey(key: unknown, name = 'key'): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
    throw new BulwarkError('INPUT_INVALID', `${name} must be a string of 1 to 512 characters`, {
      details: { parameter: name },
    });
  }
  return key;
}

/** Runs one store operation: a non-bulwark failure becomes STORE_UNAVAILABLE, a non-boolean answer too. */
export async function askStore(operation: () => Promise<boolean>, what: string): Promise<boolean> {
  let answer: unknown;
  try {
    answer = await operation();
  } catch (cause) {
    if (isBulwarkError(cause)) throw cause;
    throw new BulwarkError('STORE_UNAVAILABLE', `the ${what} store failed`, { cause });
  }
  if (typeof answer !== 'boolean') {
    throw new BulwarkError('STORE_UNAVAILABLE', `the ${what} store answered with a non-boolean`);
  }
  return answer;
}
