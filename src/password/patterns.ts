/**
 * Repetitive and sequential characters (NIST SP 800-63B "aaaaaa", "1234abcd"). A password is flagged when, after
 * collapsing repeats ("aaaa", "passpass") and runs ("abcd", "4321", "qwerty"), at most half of it is left: a
 * passphrase that happens to contain "123" passes, "1234abcd1234abcd" does not.
 */

const KEYBOARD_ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./'];
const KEY_POSITION = new Map<number, number>();
KEYBOARD_ROWS.forEach((row, r) => {
  for (let c = 0; c < row.length; c++) KEY_POSITION.set(row.charCodeAt(c), r * 100 + c);
});

const MAX_PERIOD = 16;
const MIN_RUN = 3;

/** What collapsing removed, per kind. */
export interface PatternCounts {
  length: number;
  repeated: number;
  sequential: number;
}

function repeatsAt(cps: readonly number[], i: number, d: number): boolean {
  for (let k = 0; k < d; k++) if (cps[i + k] !== cps[i - d + k]) return false;
  return true;
}

/** Marks characters that repeat the `d` characters just before them (d = 1 for "aaaa", 4 for "passpass"). */
function markRepeats(cps: readonly number[], covered: boolean[]): number {
  let count = 0;
  let i = 1;
  while (i < cps.length) {
    let matched = 0;
    for (let d = 1; d <= Math.min(i, cps.length - i, MAX_PERIOD); d++) {
      if (repeatsAt(cps, i, d)) {
        matched = d;
        break;
      }
    }
    if (matched === 0) {
      i++;
      continue;
    }
    for (let k = i; k < i + matched; k++) covered[k] = true;
    count += matched;
    i += matched;
  }
  return count;
}

function step(a: number, b: number): number {
  if (b - a === 1 || b - a === -1) return b - a;
  const pa = KEY_POSITION.get(a);
  const pb = KEY_POSITION.get(b);
  if (pa === undefined || pb === undefined) return 0;
  const diff = pb - pa;
  // Same keyboard row, neighbouring keys; ±10 keeps keyboard steps apart from code point steps.
  return diff === 1 || diff === -1 ? diff * 10 : 0;
}

/** Marks every character after the first of each ascending, descending or keyboard run of 3 or more. */
function markRuns(cps: readonly number[], covered: boolean[]): number {
  let count = 0;
  let start = 0;
  while (start < cps.length - 1) {
    const s = step(cps[start] as number, cps[start + 1] as number);
    let end = start + 1;
    while (s !== 0 && end + 1 < cps.length && step(cps[end] as number, cps[end + 1] as number) === s) end++;
    if (s !== 0 && end - start + 1 >= MIN_RUN) {
      for (let k = start + 1; k <= end; k++) {
        if (!covered[k]) {
          covered[k] = true;
          count++;
        }
      }
    }
    start = s === 0 ? start + 1 : end;
  }
  return count;
}

/** Counts repeated and sequential characters in a (normalized, lower-cased) password. */
export function countPatterns(password: string): PatternCounts {
  const cps = Array.from(password, (c) => c.codePointAt(0) as number);
  const covered = new Array<boolean>(cps.length).fill(false);
  const repeated = markRepeats(cps, covered);
  const sequential = markRuns(cps, covered);
  return { length: cps.length, repeated, sequential };
}
