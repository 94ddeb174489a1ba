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
};
