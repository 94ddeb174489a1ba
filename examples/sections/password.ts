import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from 'bulwark/password';
import { isCommonPassword } from 'bulwark/password/blocklist';

export async function passwordSection(): Promise<void> {
  // Sign-up: check the proposed password against the policy (NIST SP 800-63B), then hash what passes.
  for (const candidate of ['Password123!', 'violet tundra lighthouse']) {
    const { ok, problems } = await checkPasswordPolicy(candidate, {
      blocklist: isCommonPassword,
      contextWords: ['alice', 'alice@example.com'],
    });
    console.log(`policy for "${candidate}":`, ok ? 'accepted' : problems.map((p) => p.message).join(' '));
  }

  const started = Date.now();
  const stored = await hashPassword('violet tundra lighthouse');
  console.log(`hashed with scrypt N=2^17, r=8, p=1 in ${Date.now() - started} ms (off the event loop):`);
  console.log('  ', stored);

  // Sign-in: verify, then upgrade the stored hash if the policy has risen since it was made.
  console.log('right password verifies:', await verifyPassword('violet tundra lighthouse', stored));
  console.log('wrong password verifies:', await verifyPassword('violet tundra lighthouses', stored));
  console.log('needs a rehash at today’s cost:', needsRehash(stored));
}
