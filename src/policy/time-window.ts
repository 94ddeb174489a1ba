/**
 * Recurring time windows ("weekdays 09:00-17:00 in Europe/Berlin"), evaluated with Intl so that daylight saving
 * follows the zone's rules, on every runtime bulwark supports.
 */
import { withoutPrototype } from '../internal/assert.js';
import { HOLE_MESSAGE } from './attributes.js';
import type { PolicyTimeWindow } from './types.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const CLOCK = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const WINDOW_KEYS = new Set(['days', 'from', 'to', 'timeZone']);

/** A validated window ready to evaluate. */
export type CompiledTimeWindow = (epochMs: number) => boolean;

function parseClock(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = CLOCK.exec(text);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

/** Validates a window definition; returns messages keyed by the sub-path that is wrong. */
export function validateTimeWindow(window: unknown): { key: string; message: string }[] {
  if (typeof window !== 'object' || window === null || Array.isArray(window)) {
    return [{ key: '', message: 'time window must be an object { days?, from, to, timeZone? }' }];
  }
  const problems: { key: string; message: string }[] = [];
  const w = window as Record<string, unknown>;
  for (const k of Object.keys(w)) {
    if (!WINDOW_KEYS.has(k)) problems.push({ key: k, message: `unknown time window field "${k.slice(0, 64)}"` });
  }
  const from = parseClock(w.from);
  const to = parseClock(w.to);
  if (from === undefined) problems.push({ key: 'from', message: 'from must be a time HH:MM (00:00 to 23:59)' });
  if (to === undefined) problems.push({ key: 'to', message: 'to must be a time HH:MM (00:00 to 23:59)' });
  if (from !== undefined && from === to) problems.push({ key: 'to', message: 'from and to must differ' });
  if (w.days !== undefined) {
    const days = w.days;
    if (!Array.isArray(days) || days.length === 0 || days.length > 7) {
      problems.push({ key: 'days', message: 'days must be a non-empty list of mon, tue, wed, thu, fri, sat, sun' });
    } else {
      // By index: forEach would skip a hole (a sparse array), and every list in a policy must be dense.
      for (let i = 0; i < days.length; i++) {
        if (!Object.hasOwn(days, i)) problems.push({ key: `days[${i}]`, message: HOLE_MESSAGE });
        else if (!(DAY_NAMES as readonly unknown[]).includes(days[i])) {
          problems.push({ key: `days[${i}]`, message: 'day must be one of mon, tue, wed, thu, fri, sat, sun' });
        }
      }
    }
  }
  if (w.timeZone !== undefined && createZoneReader(w.timeZone) === undefined) {
    problems.push({ key: 'timeZone', message: 'timeZone must be an IANA time zone name the runtime knows' });
  }
  return problems;
}

/** Returns (weekday 0-6, minute of day) in a zone, or undefined when the zone is unknown. */
function createZoneReader(timeZone: unknown): ((epochMs: number) => [number, number]) | undefined {
  if (timeZone === undefined || timeZone === 'UTC') {
    return (t) => {
      const d = new Date(t);
      return [d.getUTCDay(), d.getUTCHours() * 60 + d.getUTCMinutes()];
    };
  }
  if (typeof timeZone !== 'string' || timeZone.length > 64) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    // No prototype: an inherited `hour12` (a polluted Object.prototype) would override hourCycle and read 21:30
    // as 09:30.
    format = new Intl.DateTimeFormat(
      'en-US',
      withoutPrototype({ timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' } as const),
    );
  } catch {
    return undefined;
  }
  return (t) => {
    let day = 0;
    let minutes = 0;
    for (const part of format.formatToParts(t)) {
      if (part.type === 'weekday') day = DAY_NAMES.indexOf(part.value.slice(0, 3).toLowerCase() as 'sun');
      else if (part.type === 'hour') minutes += Number(part.value) * 60;
      else if (part.type === 'minute') minutes += Number(part.value);
    }
    return [day, minutes];
  };
}

/** Compiles a validated window. A window that wraps midnight belongs to the day it starts on. */
export function compileTimeWindow(window: PolicyTimeWindow): CompiledTimeWindow {
  const from = parseClock(window.from)!;
  const to = parseClock(window.to)!;
  const read = createZoneReader(window.timeZone)!;
  const days = new Set((window.days ?? DAY_NAMES).map((d) => DAY_NAMES.indexOf(d)));
  return (epochMs) => {
    // Outside the Date range Intl throws; such an instant is in no window.
    if (typeof epochMs !== 'number' || !(Math.abs(epochMs) <= 8.64e15)) return false;
    const [day, minute] = read(epochMs);
    if (from < to) return days.has(day) && minute >= from && minute < to;
    return (days.has(day) && minute >= from) || (days.has((day + 6) % 7) && minute < to);
  };
}
