import { encodeBase64Url, encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { readOptions } from '../internal/assert.js';
import { isBytes, type OwnedBytes } from '../internal/bytes.js';
import { getSubtle, hmacSync, importHmacKey, randomBytes } from '../runtime/index.js';
import { type EncryptionContext, encodeContext } from './context.js';

/**
 * A key for blind indexes only: a distinct type so an encryption key cannot be passed by mistake (reusing one
 * key for HMAC and AES-GCM ties their security together). The material is not reachable from the object.
 */
export interface BlindIndexKey {
  readonly kind: 'blind-index-key';
}

/** How a string is normalized before hashing: equal after normalization means equal index. */
export type BlindIndexNormalize = 'none' | 'nfc' | 'lowercase' | ((value: string) => string);

/** Options of {@link blindIndex}. */
export interface BlindIndexOptions {
  /** Default `nfc`. `lowercase` is NFC + trim + lower case (emails, usernames). Ignored for bytes. */
  normalize?: BlindIndexNormalize;
  /** Bits kept from HMAC-SHA256, 8..256 (default 64). Fewer bits, more collisions, less leakage: see the guide. */
  bits?: number;
  /** Separates indexes of different columns: the same value gives unrelated indexes under different contexts. */
  context?: EncryptionContext;
}

/** Defaults of {@link BlindIndexOptions}. */
export const DEFAULT_BLIND_INDEX_OPTIONS = Object.freeze({ normalize: 'nfc' as const, bits: 64 });

const materials = new WeakMap<BlindIndexKey, { raw: Uint8Array; web: Promise<CryptoKey> | undefined }>();
const MAX_VALUE_BYTES = 64 * 1024;

/**
 * 32 random bytes for a blind-index key: store them as a secret, apart from your encryption keys.
 * @example
 * const key = createBlindIndexKey(generateBlindIndexKey());
 */
export function generateBlindIndexKey(): OwnedBytes {
  return randomBytes(32);
}

/**
 * Wraps 32 to 64 bytes of secret material as a {@link BlindIndexKey}.
 * @throws BulwarkError INPUT_INVALID for other lengths
 * @example
 * const key = createBlindIndexKey(decodeBase64Url(process.env.EMAIL_INDEX_KEY!));
 */
export function createBlindIndexKey(material: Uint8Array): BlindIndexKey {
  if (!isBytes(material) || material.length < 32 || material.length > 64) {
    throw new BulwarkError('INPUT_INVALID', 'blind index key must be 32 to 64 bytes', {
      details: { parameter: 'material' },
    });
  }
  const key: BlindIndexKey = Object.freeze({ kind: 'blind-index-key' });
  // `web` own from the start: `??=` on an absent member would read a polluted Object.prototype.web.
  materials.set(key, { raw: new Uint8Array(material), web: undefined });
  return key;
}

function valueTooLong(): BulwarkError {
  return new BulwarkError('INPUT_INVALID', `value must be at most ${MAX_VALUE_BYTES} bytes`, {
    details: { parameter: 'value' },
  });
}

function normalizeValue(value: string, normalize: BlindIndexNormalize): string {
  if (typeof normalize === 'function') {
    const out = normalize(value);
    if (typeof out !== 'string') {
      throw new BulwarkError('CONFIG_INVALID', 'normalize must return a string', {
        details: { parameter: 'normalize' },
      });
    }
    return out;
  }
  if (normalize === 'none') return value;
  if (normalize === 'nfc') return value.normalize('NFC');
  // NFC again after lower-casing: lower case can leave a sequence NFC composes (J + U+030C lowers to j + U+030C,
  // whose NFC is U+01F0), and then 'J\u030Cohn' and '\u01F0ohn' would index differently.
  if (normalize === 'lowercase') return value.normalize('NFC').trim().toLowerCase().normalize('NFC');
  throw new BulwarkError('CONFIG_INVALID', 'normalize must be none, nfc, lowercase or a function', {
    details: { parameter: 'normalize' },
  });
}

/**
 * A keyed HMAC-SHA256 of `value`, truncated to `bits`, as base64url: store it beside the encrypted column and
 * look rows up by equality without decrypting. It reveals which rows share a value; see docs/envelope.md.
 * @throws BulwarkError INPUT_INVALID for a bad key, value or context; CONFIG_INVALID for bad options
 * @example
 * const emailIndex = await blindIndex('Alice@Example.com', key, { normalize: 'lowercase', context: { column: 'email' } });
 */
export async function blindIndex(
  value: string | Uint8Array,
  key: BlindIndexKey,
  optionsArg: BlindIndexOptions = {},
): Promise<string> {
  const options = readOptions<BlindIndexOptions>(optionsArg);
  const material = typeof key === 'object' && key !== null ? materials.get(key) : undefined;
  if (material === undefined) {
    throw new BulwarkError('INPUT_INVALID', 'key must come from createBlindIndexKey of this copy of bulwark', {
      details: { parameter: 'key' },
    });
  }
  const bits = options.bits ?? DEFAULT_BLIND_INDEX_OPTIONS.bits;
  if (!Number.isInteger(bits) || bits < 8 || bits > 256) {
    throw new BulwarkError('CONFIG_INVALID', 'bits must be an integer from 8 to 256', {
      details: { parameter: 'bits' },
    });
  }
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    // A UTF-16 unit encodes to at least one UTF-8 byte, so an over-long string is refused before normalizing and
    // encoding it; normalization can lengthen a string, so the encoded bytes are checked again below.
    if (value.length > MAX_VALUE_BYTES) throw valueTooLong();
    bytes = encodeUtf8(normalizeValue(value, options.normalize ?? DEFAULT_BLIND_INDEX_OPTIONS.normalize));
  } else if (isBytes(value)) bytes = value;
  else throw new BulwarkError('INPUT_INVALID', 'value must be a string or bytes', { details: { parameter: 'value' } });
  if (bytes.length > MAX_VALUE_BYTES) throw valueTooLong();
  // version ‖ canonical context ‖ value: the context encoding is self-delimiting, so no two inputs collide.
  const context = encodeContext(options.context);
  const message = new Uint8Array(1 + context.length + bytes.length);
  message[0] = 1;
  message.set(context, 1);
  message.set(bytes, 1 + context.length);
  let mac = hmacSync('SHA-256', material.raw, message);
  if (mac === undefined) {
    material.web ??= importHmacKey('SHA-256', material.raw);
    mac = new Uint8Array(await getSubtle().sign('HMAC', await material.web, message));
  }
  const out = mac.slice(0, Math.ceil(bits / 8));
  if (bits % 8 !== 0) out[out.length - 1] = (out[out.length - 1] as number) & (0xff << (8 - (bits % 8)));
  return encodeBase64Url(out);
}
