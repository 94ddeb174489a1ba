/**
 * Strict IPv4/IPv6 parsing and CIDR matching, with no regular expressions from users and no leniency that could
 * be steered: IPv4 octets without leading zeros (no octal ambiguity), no zone ids, IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) matched as the IPv4 address they carry.
 */

/** An address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpAddress = Uint8Array;

export interface CidrRange {
  address: IpAddress;
  prefixLength: number;
}

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseHextets(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIpv4(g);
      if (v4 === undefined) return undefined;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!HEXTET.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
  }
  return out;
}

function parseIpv6(text: string): IpAddress | undefined {
  if (text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseHextets(halves[0]!);
  const tail = halves.length === 2 ? parseHextets(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  // An embedded IPv4 part may only come last.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address for every purpose here.
  if (out.subarray(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff) return out.slice(12);
  return out;
}

/** Parses an IPv4 or IPv6 address; `undefined` when it is not one. */
export function parseIpAddress(text: unknown): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 45) return undefined;
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Parses `10.0.0.0/8` or `2001:db8::/32` (a bare address is a single host); a message when invalid. */
export function parseCidr(text: string): CidrRange | string {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return `"${text.slice(0, 64)}" is not an IPv4 or IPv6 range`;
  const bits = address.length * 8;
  let prefixLength = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > bits) return `"${text.slice(0, 64)}" has an invalid prefix`;
    prefixLength = Number(p);
  }
  for (let i = prefixLength; i < bits; i++) {
    if ((address[i >> 3]! >> (7 - (i & 7))) & 1) return `"${text.slice(0, 64)}" has bits set after its prefix`;
  }
  return { address, prefixLength };
}

/** True when `address` lies inside `range` (same family only). */
export function isInCidr(address: IpAddress, range: CidrRange): boolean {
  if (address.length !== range.address.length) return false;
  const full = range.prefixLength >> 3;
  for (let i = 0; i < full; i++) if (address[i] !== range.address[i]) return false;
  const rest = range.prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[full]! & mask) === (range.address[full]! & mask);
}
