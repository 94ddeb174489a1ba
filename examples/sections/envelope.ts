import { decodeUtf8 } from 'bulwark/encoding';
import {
  blindIndex,
  changeKeyStatus,
  createBlindIndexKey,
  createKeyring,
  decryptEnvelopeFromString,
  decryptFields,
  encryptFields,
  generateBlindIndexKey,
  generateEnvelopeKey,
  needsRotation,
  rewrap,
  rotateKeyring,
} from 'bulwark/envelope';

export async function envelopeSection(): Promise<void> {
  // A keyring with one key. In production, load it with openKeyring() from a file sealed under a master key.
  let keyring = createKeyring({ keys: [{ id: '2026-01', key: generateEnvelopeKey(), status: 'primary' }] });
  const emailIndexKey = createBlindIndexKey(generateBlindIndexKey());

  const user = { id: 42, name: 'Alice', email: 'alice@example.com', phone: '+44 20 7946 0958' };
  const context = { table: 'users', id: user.id }; // binds each ciphertext to this row
  const row = await encryptFields(user, ['email', 'phone'], { keyring, context });
  const emailIndex = await blindIndex(user.email, emailIndexKey, { normalize: 'lowercase' });
  console.log('stored row  :', { ...row, email: `${row.email.slice(0, 28)}…`, phone: `${row.phone.slice(0, 28)}…` });
  console.log('email index :', emailIndex, '(lets you find the row by email without decrypting)');

  // Rotate: a new primary key; the old one can still decrypt until every row is rewrapped.
  keyring = rotateKeyring(keyring, { id: '2026-07' });
  console.log('keyring     :', keyring.keys.map((k) => `${k.id}=${k.status}`).join(', '));
  console.log('needs rotation after the new key:', needsRotation(row.email, keyring));
  const rotated = { ...row, email: await rewrap(row.email, keyring), phone: await rewrap(row.phone, keyring) };
  console.log('needs rotation after rewrap     :', needsRotation(rotated.email, keyring));

  // Retire the old key, then read the row back.
  keyring = changeKeyStatus(keyring, '2026-01', 'disabled');
  const back = await decryptFields<typeof user>(rotated, ['email', 'phone'], { keyring, context });
  console.log('decrypted   :', back);

  // The same ciphertext pasted into another row does not decrypt.
  const moved = await decryptEnvelopeFromString(keyring, rotated.email, { context: { table: 'users', id: 43 } }).then(
    (bytes) => decodeUtf8(bytes),
    (e: { code: string }) => e.code,
  );
  console.log('email copied to user 43 decrypts as:', moved);
}
