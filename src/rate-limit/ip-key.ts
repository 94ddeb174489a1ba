import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';

/** Options for {@link ipKey}. */
export interface IpKeyOptions {
  /** IPv6 addresses are grouped by this prefix length (default 56: one typical customer allocation). */
  ipv6Prefix?: number;
  /** IPv4 addresses are grouped by this prefix length (default 32: one address). */
  ipv4Prefix?: number;
}

/** Safe defaults for {@link ipKey}. */
export const DEFAULT_IP_KEY = Object.freeze({ ipv6Prefix: 56, ipv4Prefix: 32 });

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * The /96 prefixes (first six groups) whose last 32 bits are an IPv4 client: keyed as that IPv4 address, so each
 * translated client has its own bucket instead of sharing the /56 of the translator's prefix.
 */
const IPV4_PREFIXES: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0xffff], // ::ffff:0:0/96, IPv4-mapped (RFC 4291)
  [0, 0, 0, 0, 0xffff, 0], // ::ffff:0:0:0/96, IPv4-translated (RFC 2765, RFC 6145)
  [0x64, 0xff9b, 0, 0, 0, 0], // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052)
  // 64:ff9b:1::/96 only: elsewhere in the local-use 64:ff9b:1::/48 (RFC 8215) the operator's prefix length, and so
  // where the IPv4 address sits, is unknown.
  [0x64, 0xff9b, 1, 0, 0, 0],
  [0, 0, 0, 0, 0, 0], // ::/96, IPv4-compatible (RFC 4291, deprecated); :: and ::1 are not IPv4 (see below)
];

/**
 * Normalizes a client address into a rate-limit key, so that one client does not get many buckets and many clients
 * do not share one: IPv6 that carries an IPv4 client (IPv4-mapped `::ffff:1.2.3.4`, IPv4-translated
 * `::ffff:0:1.2.3.4`, NAT64 `64:ff9b::1.2.3.4` and `64:ff9b:1::1.2.3.4`, IPv4-compatible `::1.2.3.4`) becomes the
 * IPv4 address, other IPv6 is grouped by its prefix (a host controls at least a /64, usually a /56 or /48), zone ids
 * are dropped, and anything that is not an address is refused instead of becoming one shared bucket.
 *
 * @throws INPUT_INVALID when `address` is not an IPv4 or IPv6 address.
 * @throws CONFIG_INVALID when a prefix is out of range.
 * @example
 * ipKey('::ffff:203.0.113.9');           // '203.0.113.9'
 * ipKey('2001:db8:abcd:12ff::1');       // '2001:db8:abcd:1200::/56'
 */
export function ipKey(address: string, options?: IpKeyOptions): string {
  const o = readOptions<IpKeyOptions>(options);
  const ipv6Prefix = assertIntegerInRange(o.ipv6Prefix ?? DEFAULT_IP_KEY.ipv6Prefix, 'ipv6Prefix', 1, 128);
  const ipv4Prefix = assertIntegerInRange(o.ipv4Prefix ?? DEFAULT_IP_KEY.ipv4Prefix, 'ipv4Prefix', 1, 32);
  if (typeof address !== 'string' || address.length === 0 || address.length > 100) throw invalid();
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return formatIpv4(v4, ipv4Prefix);
  const groups = parseIpv6(address);
  if (groups === undefined) throw invalid();
  const v4InV6 = embeddedIpv4(groups);
  if (v4InV6 !== undefined) return formatIpv4(v4InV6, ipv4Prefix);
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, ipv6Prefix - 16 * i));
    groups[i] = (groups[i] as number) & (0xffff << (16 - keep)) & 0xffff;
  }
  const text = formatIpv6(groups);
  return ipv6Prefix === 128 ? text : `${text}/${ipv6Prefix}`;
}

function embeddedIpv4(groups: readonly number[]): number[] | undefined {
  const g6 = groups[6] as number;
  const g7 = groups[7] as number;
  if (!IPV4_PREFIXES.some((prefix) => prefix.every((g, i) => groups[i] === g))) return undefined;
  // The unspecified address and loopback share the IPv4-compatible prefix but are IPv6 addresses of their own.
  if (groups.slice(0, 6).every((g) => g === 0) && g6 === 0 && g7 <= 1) return undefined;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
}

function invalid(): BulwarkError {
  return new BulwarkError('INPUT_INVALID', 'address must be an IPv4 or IPv6 address', {
    details: { parameter: 'address' },
  });
}

function parseIpv4(text: string): number[] | undefined {
  const m = IPV4.exec(text);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

function formatIpv4(octets: readonly number[], prefix: number): string {
  const value =
    ((octets[0] as number) * 2 ** 24 +
      (octets[1] as number) * 2 ** 16 +
      (octets[2] as number) * 256 +
      (octets[3] as number)) >>>
    0;
  const masked = prefix === 32 ? value : (value & (~0 << (32 - prefix))) >>> 0;
  const text = `${masked >>> 24}.${(masked >>> 16) & 0xff}.${(masked >>> 8) & 0xff}.${masked & 0xff}`;
  return prefix === 32 ? text : `${text}/${prefix}`;
}

/** RFC 4291 text form (with `::`, an embedded IPv4 tail and an RFC 4007 zone id), to eight 16-bit groups. */
function parseIpv6(text: string): number[] | undefined {
  const percent = text.indexOf('%');
  if (percent >= 0) {
    const zone = text.slice(percent + 1);
    if (!/^[\w.-]{1,32}$/.test(zone)) return undefined;
    text = text.slice(0, percent);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

function parseGroups(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (HEX_GROUP.test(part)) groups.push(Number.parseInt(part, 16));
    else if (mayEndWithIpv4 && i === parts.length - 1) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else return undefined;
  }
  return groups;
}

/** RFC 5952 canonical text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
