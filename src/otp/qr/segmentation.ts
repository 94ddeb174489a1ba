/**
 * Splits the text into the segments that take the fewest bits (ISO/IEC 18004:2015 Annex J asks encoders to
 * minimise the bit stream): digits in numeric mode (10 bits per 3), the 45 alphanumeric characters in
 * alphanumeric mode (11 bits per 2), everything else UTF-8 in byte mode, each switch costing a mode indicator and
 * a character count. An otpauth URI gains from this: its base32 secret is alphanumeric.
 *
 * Dynamic programming over the bytes, after Nayuki's QR Code generator: costs are kept in sixths of a bit so that
 * numeric (20/6 per digit) and alphanumeric (33/6 per character) are exact; after each byte, the cheapest way to
 * be "in" each mode is kept, where being in a mode may mean having just paid to switch to it.
 */
import { ALPHANUMERIC_VALUE, countBitsFor, QR_MODES, type QrMode, type QrSegment } from './segment.js';

/** Modes in the order states are numbered; on equal cost the earlier one wins. */
const MODES: readonly QrMode[] = [QR_MODES.byte, QR_MODES.alphanumeric, QR_MODES.numeric];
const BYTE = 0;
const ALPHANUMERIC = 1;
const NUMERIC = 2;
const NONE = 255;
/** Cost in sixths of a bit of one byte in each mode. */
const UNIT_COST = [8 * 6, 33, 20] as const;

/** The cheapest segments for `bytes` with the character count widths of `version` (they change at 10 and 27). */
export function planSegments(bytes: Uint8Array, version: number): QrSegment[] {
  const n = bytes.length;
  if (n === 0) return [];
  const head = MODES.map((mode) => (4 + countBitsFor(mode, version)) * 6);
  // via[i·3 + s]: the mode byte i is encoded in, on the cheapest path that is in state s after byte i.
  const via = new Uint8Array(n * 3).fill(NONE);
  const cost = [head[0]!, head[1]!, head[2]!];
  const extended = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    const row = i * 3;
    // Encode byte i in each mode that can carry it, continuing that mode.
    extended[BYTE] = cost[BYTE]! + UNIT_COST[BYTE];
    via[row + BYTE] = BYTE;
    const alphanumeric = ALPHANUMERIC_VALUE[b] !== 255;
    extended[ALPHANUMERIC] = alphanumeric ? cost[ALPHANUMERIC]! + UNIT_COST[ALPHANUMERIC] : Number.POSITIVE_INFINITY;
    if (alphanumeric) via[row + ALPHANUMERIC] = ALPHANUMERIC;
    const digit = b >= 0x30 && b <= 0x39;
    extended[NUMERIC] = digit ? cost[NUMERIC]! + UNIT_COST[NUMERIC] : Number.POSITIVE_INFINITY;
    if (digit) via[row + NUMERIC] = NUMERIC;
    // Or end that segment here (rounded up to whole bits) and open one in another mode for the next byte.
    for (let to = 0; to < 3; to++) {
      cost[to] = extended[to]!;
      for (let from = 0; from < 3; from++) {
        if (from === to || extended[from] === Number.POSITIVE_INFINITY) continue;
        const switched = Math.ceil(extended[from]! / 6) * 6 + head[to]!;
        if (switched < cost[to]!) {
          cost[to] = switched;
          via[row + to] = from;
        }
      }
    }
  }

  let state = 0;
  for (let s = 1; s < 3; s++) if (cost[s]! < cost[state]!) state = s;
  const modes = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    state = via[i * 3 + state]!;
    modes[i] = state;
  }
  const segments: QrSegment[] = [];
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && modes[end] === modes[start]) end++;
    segments.push({ mode: MODES[modes[start]!]!, start, end });
    start = end;
  }
  return segments;
}
