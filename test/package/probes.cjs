// One small call per subpath, shared by the ESM and CJS smoke tests. A probe gets the loaded module and throws
// (or returns false) when the call misbehaves. Subpaths without a probe must still export at least one function.
const assert = require('node:assert/strict');

module.exports = {
  '.': (m) => {
    assert.equal(m.isBulwarkError(new m.BulwarkError('INPUT_INVALID', 'smoke')), true);
    assert.equal(m.encodeHex(new Uint8Array([0xca, 0xfe])), 'cafe');
  },
  './encoding': (m) => {
    assert.equal(m.encodeBase64Url(new Uint8Array([0xfb, 0xff])), '-_8');
    assert.deepEqual([...m.decodeBase32('MZXW6')], [...Buffer.from('foo')]);
  },
  './password': async (m) => {
    const hash = await m.hashPassword('correct horse battery staple');
    assert.match(hash, /^\$scrypt\$/);
    assert.equal(await m.verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await m.verifyPassword('wrong', hash), false);
  },
  './password/blocklist': (m) => {
    assert.equal(m.isCommonPassword('password'), true);
  },
  './otp': (m) => {
    // RFC 4226 Appendix D: secret "12345678901234567890" (base32 below), counter 0.
    assert.equal(m.hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0), '755224');
  },
  './envelope': async (m) => {
    const keyring = m.createKeyring({ keys: [{ id: 'k1', key: m.generateEnvelopeKey(), status: 'primary' }] });
    const column = await m.encryptEnvelopeToString(keyring, 'alice@example.com', { context: { id: 42 } });
    const plain = await m.decryptEnvelopeFromString(keyring, column, { context: { id: 42 } });
    assert.equal(Buffer.from(plain).toString('utf8'), 'alice@example.com');
  },
  './rate-limit': async (m) => {
    const limiter = m.createRateLimiter({ limit: 2, windowMs: 60_000 });
    const results = [await limiter.consume('k'), await limiter.consume('k'), await limiter.consume('k')];
    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, false],
    );
  },
  './policy': (m) => {
    const policy = m.definePolicy({
      roles: { viewer: {}, editor: { inherits: ['viewer'] } },
      rules: [{ effect: 'allow', roles: ['viewer'], actions: ['read'], resources: ['doc'] }],
    });
    assert.equal(policy.can({ id: 'u1', roles: ['editor'] }, 'read', { type: 'doc' }), true);
    assert.equal(policy.can({ id: 'u1', roles: ['editor'] }, 'delete', { type: 'doc' }), false);
  },
  './adapters/redis': (m) => {
    // Construction does no I/O, so a structural client that is never called is enough here.
    const never = () => Promise.reject(new Error('not called'));
    const store = m.createRedisStore({ client: { eval: never, evalsha: never } });
    assert.equal(store.prefix, 'bulwark:');
  },
};
