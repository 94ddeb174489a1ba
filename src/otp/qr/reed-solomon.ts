/**
 * Reed–Solomon error correction over GF(2⁸) with the QR Code field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and
 * generator polynomials g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), α = 2 (ISO/IEC 18004:2015 §7.5.2, Annex A).
 */

const FIELD_POLYNOMIAL = 0x11d;

/** αⁱ for i in 0..509: doubled so that a sum of two logarithms needs no reduction modulo 255. */
const EXP = new Uint8Array(510);
/** log_α(x) for x in 1..255 (index 0 is unused: zero has no logarithm). */
const LOG = new Uint8Array(256);

{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    EXP[i + 255] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= FIELD_POLYNOMIAL;
  }
}

/** Multiplies two field elements. */
function multiplyGf(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

/** Generator polynomials by degree, as logarithms of their coefficients below the leading 1 (highest first). */
const generatorLogs = new Map<number, Uint8Array>();

/**
 * The generator polynomial of `degree`, coefficients from x^(degree−1) down to x⁰, each as its logarithm. Every
 * coefficient of a QR generator is non-zero, so the logarithm form loses nothing and saves a lookup per step.
 */
export function generatorPolynomialLogs(degree: number): Uint8Array {
  const cached = generatorLogs.get(degree);
  if (cached !== undefined) return cached;
  // Multiply out (x − α⁰)…(x − α^(degree−1)); minus is plus in characteristic 2.
  const coefficients = new Uint8Array(degree);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      coefficients[j] = multiplyGf(coefficients[j]!, root) ^ (j + 1 < degree ? coefficients[j + 1]! : 0);
    }
    root = multiplyGf(root, 2);
  }
  const logs = new Uint8Array(degree);
  for (let j = 0; j < degree; j++) logs[j] = LOG[coefficients[j]!]!;
  generatorLogs.set(degree, logs);
  return logs;
}

/**
 * Writes the `generator.length` error correction codewords of `data[start, end)` into `out` at `outOffset`: the
 * remainder of data(x)·xⁿ divided by the generator, computed as a linear feedback shift register.
 */
export function writeReedSolomonRemainder(
  data: Uint8Array,
  start: number,
  end: number,
  generator: Uint8Array,
  out: Uint8Array,
  outOffset: number,
): void {
  const degree = generator.length;
  const last = outOffset + degree - 1;
  out.fill(0, outOffset, last + 1);
  for (let i = start; i < end; i++) {
    const factor = data[i]! ^ out[outOffset]!;
    out.copyWithin(outOffset, outOffset + 1, last + 1);
    out[last] = 0;
    if (factor !== 0) {
      const factorLog = LOG[factor]!;
      for (let j = 0; j < degree; j++) out[outOffset + j]! ^= EXP[factorLog + generator[j]!]!;
    }
  }
}
