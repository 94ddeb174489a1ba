import { DEFAULT_SCRYPT_COST_LIMITS } from 'bulwark/password';
import { describe, expect, it } from 'vitest';
import { formatScryptHash, parseScryptHash, readHashIdentifier } from '../../src/password/phc.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

const limits = DEFAULT_SCRYPT_COST_LIMITS;
const SALT = 'KO1SMobNN0wx6RqG7FEShA';
const KEY = 'GsUdUfq3ge/qi6ZtaR9jwkqD1DQcodpI1DFwWby4fkw';
const good = `$scrypt$ln=10,r=8,p=1$${SALT}$${KEY}`;

describe('parseScryptHash', () => {
  it('parses cost, salt, key and pepper id, and formats back to the same string', () => {
    const parsed = parseScryptHash(good, limits);
    expect(parsed.cost).toEqual({ logN: 10, blockSize: 8, parallelism: 1 });
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.key).toHaveLength(32);
    expect(parsed.pepperId).toBeUndefined();
    expect(formatScryptHash(parsed)).toBe(good);
    const peppered = `$scrypt$ln=10,r=8,p=1,pepper=k-2026.1$${SALT}$${KEY}`;
    expect(parseScryptHash(peppered, limits).pepperId).toBe('k-2026.1');
    expect(formatScryptHash(parseScryptHash(peppered, limits))).toBe(peppered);
  });

  it('takes salt and key lengths from the string (empty salt, 64-byte key)', () => {
    expect(parseScryptHash(`$scrypt$ln=4,r=1,p=1$$${KEY}`, limits).salt).toHaveLength(0);
    const long = `$scrypt$ln=4,r=1,p=1$${SALT}$${'A'.repeat(85)}Q`;
    expect(parseScryptHash(long, limits).key).toHaveLength(64);
  });

  it.each([
    ['empty', ''],
    ['no leading $', good.slice(1)],
    ['too few segments', `$scrypt$ln=10,r=8,p=1$${SALT}`],
    ['too many segments', `${good}$x`],
    ['missing parameter', `$scrypt$ln=10,r=8$${SALT}$${KEY}`],
    ['unknown parameter', `$scrypt$ln=10,r=8,p=1,x=1$${SALT}$${KEY}`],
    ['reordered parameters', `$scrypt$r=8,ln=10,p=1$${SALT}$${KEY}`],
    ['leading zero', `$scrypt$ln=10,r=08,p=1$${SALT}$${KEY}`],
    ['ln=0 (N=1)', `$scrypt$ln=0,r=8,p=1$${SALT}$${KEY}`],
    ['r=0', `$scrypt$ln=10,r=0,p=1$${SALT}$${KEY}`],
    ['p=0', `$scrypt$ln=10,r=8,p=0$${SALT}$${KEY}`],
    // RFC 7914: N < 2^(16·r). No conforming implementation can have made these (OpenSSL refuses them).
    ['N = 2^16 with r=1', `$scrypt$ln=16,r=1,p=1$${SALT}$${KEY}`],
    ['N = 2^17 with r=1', `$scrypt$ln=17,r=1,p=1$${SALT}$${KEY}`],
    ['sign', `$scrypt$ln=+10,r=8,p=1$${SALT}$${KEY}`],
    ['space', `$scrypt$ln=10, r=8,p=1$${SALT}$${KEY}`],
    ['bad pepper id', `$scrypt$ln=10,r=8,p=1,pepper=a_b$${SALT}$${KEY}`],
    ['empty pepper id', `$scrypt$ln=10,r=8,p=1,pepper=$${SALT}$${KEY}`],
    ['padded key', `${good}=`],
    ['padded salt', `$scrypt$ln=10,r=8,p=1$${SALT}==$${KEY}`],
    ['base64url alphabet', good.replace('/', '_')],
    ['non-canonical trailing bits', `${good.slice(0, -1)}x`],
    ['truncated key (29 bytes)', good.slice(0, -4)],
    ['short key (16 bytes)', `$scrypt$ln=10,r=8,p=1$${SALT}$${SALT}`],
    ['key over 64 bytes', `$scrypt$ln=10,r=8,p=1$${SALT}$${'A'.repeat(88)}`],
    ['salt over 64 bytes', `$scrypt$ln=10,r=8,p=1$${'A'.repeat(88)}$${KEY}`],
    ['whitespace', `${good} `],
    ['over 512 characters', `${good}${'A'.repeat(600)}`],
    ['identifier with a space', `$scr ypt$ln=10,r=8,p=1$${SALT}$${KEY}`],
  ])('refuses %s as PASSWORD_HASH_MALFORMED', (_name, hash) => {
    const e = expectBulwarkErrorSync(() => parseScryptHash(hash, limits), 'PASSWORD_HASH_MALFORMED');
    expect(e.message).not.toContain(SALT);
  });

  it.each([
    ['bcrypt', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'],
    ['argon2id', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'],
    ['a different case', good.replace('scrypt', 'SCRYPT')],
  ])('refuses %s as PASSWORD_HASH_UNSUPPORTED', (_name, hash) => {
    const e = expectBulwarkErrorSync(() => parseScryptHash(hash, limits), 'PASSWORD_HASH_UNSUPPORTED');
    expect((e as unknown as { details: object }).details).toHaveProperty('algorithm');
  });

  it.each([
    ['ln above 20', good.replace('ln=10', 'ln=21')],
    ['ln huge', good.replace('ln=10', 'ln=9999999999')],
    ['r above 32', good.replace('r=8', 'r=33')],
    ['p above 16', good.replace('p=1', 'p=17')],
    ['memory above 256 MiB', good.replace('ln=10', 'ln=19')],
    ['work above 1 GiB', good.replace('ln=10', 'ln=17').replace('p=1', 'p=9')],
  ])('refuses %s as PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS', (_name, hash) => {
    expectBulwarkErrorSync(() => parseScryptHash(hash, limits), 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS');
  });

  it('refuses a value that is not a string', () => {
    expectBulwarkErrorSync(() => parseScryptHash(undefined as any, limits), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => readHashIdentifier({} as any), 'INPUT_INVALID');
  });
});
