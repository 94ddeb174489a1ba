import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../src/errors.js';
import { ipKey } from '../../src/rate-limit/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

describe('ipKey', () => {
  it('keeps IPv4 addresses, and maps IPv4-mapped IPv6 to IPv4', () => {
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::FFFF:cb00:7109')).toBe('203.0.113.9');
    expect(ipKey('0:0:0:0:0:ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('203.0.113.9', { ipv4Prefix: 24 })).toBe('203.0.113.0/24');
  });

  it('maps every IPv6 form that carries an IPv4 client to that IPv4 address', () => {
    const forms = [
      (v4: string) => `::ffff:${v4}`, // IPv4-mapped (RFC 4291)
      (v4: string) => `::ffff:0:${v4}`, // IPv4-translated (RFC 2765, RFC 6145)
      (v4: string) => `64:ff9b::${v4}`, // NAT64 well-known prefix (RFC 6052)
      (v4: string) => `64:ff9b:1::${v4}`, // the /96 at the start of the NAT64 local-use /48 (RFC 8215)
      (v4: string) => `::${v4}`, // IPv4-compatible (RFC 4291, deprecated)
    ];
    for (const form of forms) {
      expect(ipKey(form('203.0.113.9'))).toBe('203.0.113.9');
      expect(ipKey(form('198.51.100.200'))).toBe('198.51.100.200');
      expect(ipKey(form('203.0.113.9'), { ipv4Prefix: 24 })).toBe('203.0.113.0/24');
      // Distinct clients, distinct buckets: not one shared /56 of the translator's prefix.
      const keys = ['192.0.2.1', '192.0.2.2', '198.51.100.7', '203.0.113.9'].map((v4) => ipKey(form(v4)));
      expect(new Set(keys).size).toBe(4);
    }
    expect(ipKey('64:FF9B:0:0:0:0:CB00:7109')).toBe('203.0.113.9');
    expect(ipKey('0:0:0:0:ffff:0:cb00:7109')).toBe('203.0.113.9');
    expect(ipKey('::cb00:7109')).toBe('203.0.113.9');
  });

  it('keeps :: and ::1, and other addresses near the IPv4 forms, as IPv6', () => {
    expect(ipKey('::', { ipv6Prefix: 128 })).toBe('::');
    expect(ipKey('::1', { ipv6Prefix: 128 })).toBe('::1');
    expect(ipKey('::0.0.0.1', { ipv6Prefix: 128 })).toBe('::1');
    expect(ipKey('::1')).toBe('::/56');
    // Elsewhere in the local-use 64:ff9b:1::/48 the IPv4 address's place is unknown: grouped like any IPv6.
    expect(ipKey('64:ff9b:1:abcd::cb00:7109')).toBe('64:ff9b:1:ab00::/56');
    expect(ipKey('64:ff9b:2::cb00:7109')).toBe('64:ff9b:2::/56');
    expect(ipKey('1::ffff:cb00:7109')).toBe('1::/56');
    expect(ipKey('::1:ffff:0:cb00:7109')).toBe('::/56');
  });

  it('groups IPv6 by prefix in canonical RFC 5952 form', () => {
    expect(ipKey('2001:db8:abcd:12ff::1')).toBe('2001:db8:abcd:1200::/56');
    expect(ipKey('2001:0DB8:ABCD:1234:5678:9abc:def0:1234', { ipv6Prefix: 64 })).toBe('2001:db8:abcd:1234::/64');
    expect(ipKey('2001:db8::1', { ipv6Prefix: 128 })).toBe('2001:db8::1');
    expect(ipKey('2001:db8:0:0:1:0:0:1', { ipv6Prefix: 128 })).toBe('2001:db8::1:0:0:1');
    expect(ipKey('fe80::1%eth0')).toBe('fe80::/56');
    expect(ipKey('::1', { ipv6Prefix: 128 })).toBe('::1');
    expect(ipKey('1::', { ipv6Prefix: 128 })).toBe('1::');
    expect(ipKey('::2:3:4:5:6:7:8', { ipv6Prefix: 128 })).toBe('0:2:3:4:5:6:7:8');
  });

  it('gives one client one bucket: every spelling of an address maps to the same key', () => {
    const spellings = ['2001:db8::42', '2001:DB8:0::42', '2001:0db8:0000:0000:0000:0000:0000:0042', '2001:db8::42%1'];
    expect(new Set(spellings.map((s) => ipKey(s))).size).toBe(1);
    // ...and a whole /56 is one client.
    expect(ipKey('2001:db8:0:ff::1')).toBe(ipKey('2001:db8:0:1::1'));
    expect(ipKey('2001:db8:0:100::1')).not.toBe(ipKey('2001:db8:0:ff::1'));
  });

  it('refuses anything that is not an address instead of sharing one bucket', () => {
    for (const bad of [
      '',
      'localhost',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '::ffff:1.2.3',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '12345::',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7::8',
      'fe80::1%',
      'fe80::1%a b',
      '[::1]',
      'x'.repeat(200),
    ]) {
      expectBulwarkErrorSync(() => ipKey(bad), 'INPUT_INVALID');
    }
    expectBulwarkErrorSync(() => ipKey(undefined as never), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => ipKey('::1', { ipv6Prefix: 0 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => ipKey('1.2.3.4', { ipv4Prefix: 33 }), 'CONFIG_INVALID');
  });

  it('round-trips generated addresses and throws only INPUT_INVALID on garbage', () => {
    fc.assert(
      fc.property(fc.ipV4(), (a) => {
        expect(ipKey(a)).toBe(a.split('.').map(Number).join('.'));
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (a) => {
        const full = ipKey(a, { ipv6Prefix: 128 });
        expect(ipKey(full, { ipv6Prefix: 128 })).toBe(full);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          ipKey(s);
        } catch (e) {
          expect(isBulwarkError(e, 'INPUT_INVALID')).toBe(true);
        }
      }),
    );
  });
});
