/**
 * Password policy after NIST SP 800-63B Rev. 4 §3.1.1.2: length (in code points, after NFKC), a blocklist, context
 * words, repetitive and sequential characters, optionally breach corpora. No composition rules ("one upper case,
 * one digit") and no periodic expiry: NIST found they make passwords weaker, not stronger.
 */
import { BulwarkError, isBulwarkError } from '../errors.js';
import { assertIntegerInRange, ownOptions, readOptions } from '../internal/assert.js';
import { type BreachRangeFetcher, countPasswordBreaches } from './breach.js';
import { passwordCandidates } from './input.js';
import { DEFAULT_MAX_PASSWORD_BYTES } from './options.js';
import { countPatterns, type PatternCounts } from './patterns.js';

/** Why a password fails the policy. */
export type PasswordProblemCode =
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'COMMON'
  | 'CONTEXT_WORD'
  | 'REPETITIVE'
  | 'SEQUENTIAL'
  | 'BREACHED'
  | 'MALFORMED';

/** One failed rule, with a message fit to show the user (it never repeats the password). */
export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}

/** The verdict of {@link checkPasswordPolicy}: `ok` exactly when `problems` is empty. */
export interface PasswordPolicyResult {
  ok: boolean;
  problems: PasswordProblem[];
}

/** A blocklist: a Set of lower-case passwords, or a function answering for a lower-cased candidate. */
export type PasswordBlocklist = ReadonlySet<string> | ((candidate: string) => boolean);

/** Tunables of {@link checkPasswordPolicy}. */
export interface PasswordPolicyOptions {
  /** The account has a second factor: the minimum drops from 15 to 8 characters (NIST SP 800-63B Rev. 4). */
  mfa?: boolean;
  /** Minimum length in characters (code points), 8 to 64. Default 15, or 8 with `mfa: true`. */
  minLength?: number;
  /** Maximum length in characters, 64 (NIST's floor for the maximum) to 1024. Default 128. */
  maxLength?: number;
  /** Common passwords to refuse, e.g. `isCommonPassword` from `bulwark/password/blocklist`. */
  blocklist?: PasswordBlocklist;
  /** Words specific to this account and service (user name, email address, service name). */
  contextWords?: readonly string[];
  /** Asks a breach corpus through k-anonymity; only {@link checkPasswordPolicy} (async) uses it. */
  fetchBreachRange?: BreachRangeFetcher;
  /**
   * The `maxPasswordBytes` you give hashPassword (default 4096): a password over it, as typed or after NFKC, is
   * TOO_LONG here too, so a password the policy accepts can always be hashed.
   */
  maxPasswordBytes?: number;
}

/**
 * Default policy lengths (NIST SP 800-63B Rev. 4).
 * @example
 * checkPasswordPolicySync(pw, { maxLength: 2 * DEFAULT_PASSWORD_POLICY.maxLength });
 */
export const DEFAULT_PASSWORD_POLICY = Object.freeze({ minLength: 15, minLengthWithMfa: 8, maxLength: 128 });

const MESSAGES: Readonly<Record<PasswordProblemCode, string>> = Object.freeze({
  TOO_SHORT: 'Use at least {min} characters.',
  TOO_LONG: 'Use at most {max} characters.',
  COMMON: 'This is a commonly used password; choose something less predictable.',
  CONTEXT_WORD: 'Do not use your user name, email address or the name of this service.',
  REPETITIVE: 'Avoid repeated characters or words (like "aaaa" or "abcabc").',
  SEQUENTIAL: 'Avoid sequences (like "1234", "abcd" or "qwerty").',
  BREACHED: 'This password has appeared in a data breach; choose another one.',
  MALFORMED: 'This password contains an invalid character; type it again.',
});

// TOO_LONG from maxPasswordBytes: the password can be within maxLength, so the character-count message would be false.
const TOO_LONG_TO_STORE = 'This password is too long to store (some characters count as several); use a shorter one.';

const MIN_TOKEN = 4;
const MIN_WHOLE_WORD = 3;
const LETTER = /\p{L}/u;

function problem(code: PasswordProblemCode, min = 0, max = 0): PasswordProblem {
  return { code, message: MESSAGES[code].replace('{min}', String(min)).replace('{max}', String(max)) };
}

function isBlocked(blocklist: PasswordBlocklist, lower: string): boolean {
  const has = typeof blocklist === 'function' ? blocklist : (c: string) => blocklist.has(c);
  if (has(lower)) return true;
  // "Summer2024!" and "!!password123" are their blocklisted core plus predictable decoration.
  const core = trimNonLetters(lower);
  return core.length >= MIN_TOKEN && core !== lower && has(core);
}

/**
 * `s` without its leading and trailing non-letters, code point by code point. Linear: the regex it replaces,
 * `/^[^\p{L}]+|[^\p{L}]+$/gu`, retried its second branch at every position of a run of non-letters (quadratic:
 * 60 ms for one 512-character password of `⨌`, which NFKC makes four non-letters each).
 */
export function trimNonLetters(s: string): string {
  let start = 0;
  while (start < s.length) {
    const width = (s.codePointAt(start) as number) > 0xffff ? 2 : 1;
    if (LETTER.test(s.slice(start, start + width))) break;
    start += width;
  }
  let end = s.length;
  while (end > start) {
    const low = s.charCodeAt(end - 1);
    const high = end - 2 >= start ? s.charCodeAt(end - 2) : 0;
    const width = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
    if (LETTER.test(s.slice(end - width, end))) break;
    end -= width;
  }
  return s.slice(start, end);
}

/** REPETITIVE or SEQUENTIAL when such runs cover at least half of the password. */
function patternProblem({ repeated, sequential, length }: PatternCounts): PasswordProblemCode | undefined {
  if (length === 0 || 2 * (length - repeated - sequential) > length) return undefined;
  return repeated >= sequential ? 'REPETITIVE' : 'SEQUENTIAL';
}

/**
 * What hashPassword would say of this password, as a problem: its own input check (passwordCandidates) refuses a
 * lone surrogate (MALFORMED) and more than `maxPasswordBytes` as typed or after NFKC (TOO_LONG), so a password the
 * policy accepts can always be hashed.
 */
function unhashable(password: string, maxPasswordBytes: number): PasswordProblem | undefined {
  try {
    passwordCandidates(password, maxPasswordBytes);
    return undefined;
  } catch (error) {
    if (isBulwarkError(error, 'PASSWORD_TOO_LONG')) return { code: 'TOO_LONG', message: TOO_LONG_TO_STORE };
    if (isBulwarkError(error, 'INPUT_INVALID')) return problem('MALFORMED');
    throw error;
  }
}

function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; anything else (lone halves included) is one each.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function contextTokens(words: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const word of words) {
    if (typeof word !== 'string') {
      throw new BulwarkError('CONFIG_INVALID', 'contextWords must be strings', {
        details: { parameter: 'contextWords' },
      });
    }
    const lower = word.normalize('NFKC').toLowerCase();
    if (lower.length >= MIN_WHOLE_WORD) tokens.add(lower);
    // Parts of an email or a multi-word name: "alice@example.com" → alice, example (not "com": too short to matter).
    for (const part of lower.split(/[^\p{L}\p{N}]+/u)) if (part.length >= MIN_TOKEN) tokens.add(part);
  }
  return [...tokens];
}

function readPolicyOptions(options: unknown) {
  const o = readOptions<PasswordPolicyOptions>(options);
  const d = DEFAULT_PASSWORD_POLICY;
  const maxLength = assertIntegerInRange(o.maxLength ?? d.maxLength, 'maxLength', 64, 1024);
  const minLength = assertIntegerInRange(
    o.minLength ?? (o.mfa === true ? d.minLengthWithMfa : d.minLength),
    'minLength',
    8,
    64,
  );
  const blocklist = o.blocklist;
  if (blocklist !== undefined && typeof blocklist !== 'function' && !(blocklist instanceof Set)) {
    throw new BulwarkError('CONFIG_INVALID', 'blocklist must be a Set of strings or a function', {
      details: { parameter: 'blocklist' },
    });
  }
  if (o.contextWords !== undefined && !Array.isArray(o.contextWords)) {
    throw new BulwarkError('CONFIG_INVALID', 'contextWords must be an array of strings', {
      details: { parameter: 'contextWords' },
    });
  }
  const maxPasswordBytes = assertIntegerInRange(
    o.maxPasswordBytes ?? DEFAULT_MAX_PASSWORD_BYTES,
    'maxPasswordBytes',
    1,
    2 ** 20, // hashPassword's own bound
  );
  return { minLength, maxLength, blocklist, context: contextTokens(o.contextWords ?? []), maxPasswordBytes };
}

/**
 * Checks a proposed password against the policy without any network call: length, blocklist, context words,
 * repetitive and sequential characters. Throws only for misuse.
 * @throws BulwarkError CONFIG_INVALID (also when `fetchBreachRange` is set: use checkPasswordPolicy), INPUT_INVALID
 * @example
 * const { ok, problems } = checkPasswordPolicySync(pw, { blocklist: isCommonPassword, contextWords: [email] });
 */
export function checkPasswordPolicySync(password: string, optionsArg?: PasswordPolicyOptions): PasswordPolicyResult {
  const options = ownOptions(optionsArg);
  if (options?.fetchBreachRange !== undefined) {
    throw new BulwarkError('CONFIG_INVALID', 'fetchBreachRange needs the asynchronous checkPasswordPolicy', {
      details: { parameter: 'fetchBreachRange' },
    });
  }
  return evaluate(password, options);
}

function evaluate(password: string, options: PasswordPolicyOptions | undefined): PasswordPolicyResult {
  if (typeof password !== 'string') {
    throw new BulwarkError('INPUT_INVALID', 'password must be a string', { details: { parameter: 'password' } });
  }
  const { minLength, maxLength, blocklist, context, maxPasswordBytes } = readPolicyOptions(options);
  const problems: PasswordProblem[] = [];
  // Bound the work before normalizing: a string longer than 4 code units per allowed character cannot fit.
  if (password.length > maxLength * 4) return { ok: false, problems: [problem('TOO_LONG', minLength, maxLength)] };
  const refused = unhashable(password, maxPasswordBytes);
  if (refused !== undefined) return { ok: false, problems: [refused] };
  const lower = password.normalize('NFKC').toLowerCase();
  // Characters are code points of the NFC form (what was typed, a decomposed accent counted once) or of the NFKC
  // form, whichever is fewer: NFKC must not lengthen a password (U+FDFA is one key press and 18 code points after
  // NFKC, U+3300 one and 4), and canonically equivalent spellings share both forms, so they are judged alike.
  const composed = password.normalize('NFC').toLowerCase();
  const characters = Math.min(codePointCount(composed), codePointCount(lower));
  // Before any other check: NFKC expands at most 18 times, so everything below stays bounded by maxLength.
  if (characters > maxLength) return { ok: false, problems: [problem('TOO_LONG', minLength, maxLength)] };
  if (characters < minLength) problems.push(problem('TOO_SHORT', minLength, maxLength));
  if (blocklist !== undefined && isBlocked(blocklist, lower)) problems.push(problem('COMMON'));
  if (context.some((t) => lower.includes(t))) problems.push(problem('CONTEXT_WORD'));
  // Patterns in either form: "ﷺ" typed 20 times is a repetition of one key, though its NFKC unit (18 code points)
  // is longer than the units countPatterns looks for.
  const pattern =
    patternProblem(countPatterns(lower)) ?? (composed === lower ? undefined : patternProblem(countPatterns(composed)));
  if (pattern !== undefined) problems.push(problem(pattern));
  return { ok: problems.length === 0, problems };
}

/**
 * Checks a proposed password against the policy (see {@link checkPasswordPolicySync}) and, when
 * `fetchBreachRange` is given, against a breach corpus by k-anonymity (only a 5-character SHA-1 prefix leaves).
 * @throws BulwarkError CONFIG_INVALID, INPUT_INVALID, PASSWORD_BREACH_CHECK_FAILED
 * @example
 * const result = await checkPasswordPolicy(pw, { blocklist: isCommonPassword, contextWords: [user.email] });
 * if (!result.ok) return result.problems.map((p) => p.message);
 */
export async function checkPasswordPolicy(
  password: string,
  optionsArg?: PasswordPolicyOptions,
): Promise<PasswordPolicyResult> {
  const options = ownOptions(optionsArg);
  const result = evaluate(password, options);
  const fetchRange = options?.fetchBreachRange;
  // Not asked for what cannot be hashed anyway: too long, or malformed (a lone surrogate has no UTF-8 form, and
  // the breach query would throw on it where the policy must answer).
  if (fetchRange === undefined || result.problems.some((p) => p.code === 'TOO_LONG' || p.code === 'MALFORMED')) {
    return result;
  }
  // The NFKC form is what hashPassword stores and what verifyPassword accepts first: a breached password typed in
  // full-width letters would otherwise pass here and then let the plain breached one sign in. The form as typed is
  // asked too when it differs (a corpus holds what people typed).
  const normalized = password.normalize('NFKC');
  const forms = normalized === password ? [password] : [normalized, password];
  for (const form of forms) {
    if ((await countPasswordBreaches(form, fetchRange)) > 0) {
      result.problems.push(problem('BREACHED'));
      result.ok = false;
      break;
    }
  }
  return result;
}
