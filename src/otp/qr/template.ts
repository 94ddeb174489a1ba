/**
 * The fixed part of a symbol of one version (ISO/IEC 18004:2015 §6.3): finder patterns with separators, timing
 * patterns, alignment patterns, the dark module and version information, plus which modules are reserved and the
 * order in which codeword bits fill the rest. It depends only on the version, so it is built once per version.
 */
import { alignmentPositions, qrSize, rawDataModules } from './tables.js';

/** The version-dependent skeleton of a symbol. */
export interface QrTemplate {
  version: number;
  size: number;
  /** Function patterns drawn, format information areas left light. Row-major, 1 = dark. */
  modules: Uint8Array;
  /** 1 where a module belongs to a function pattern or the format information (never masked), else 0. */
  reserved: Uint8Array;
  /** Module indices in codeword bit order (§7.7.3), remainder bits included. */
  dataOrder: Uint16Array;
}

const templates: (QrTemplate | undefined)[] = [];

/** The template of `version`, built on first use. */
export function qrTemplate(version: number): QrTemplate {
  let template = templates[version];
  if (template === undefined) {
    template = buildTemplate(version);
    templates[version] = template;
  }
  return template;
}

/** Version information (§7.10, Annex D): the version in 6 bits and a (18, 6) BCH code, generator 0x1F25. */
export function versionInformationBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | (remainder & 0xfff);
}

function buildTemplate(version: number): QrTemplate {
  const size = qrSize(version);
  const modules = new Uint8Array(size * size);
  const reserved = new Uint8Array(size * size);
  const set = (row: number, column: number, dark: boolean): void => {
    modules[row * size + column] = dark ? 1 : 0;
    reserved[row * size + column] = 1;
  };

  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }

  // Finder patterns, each with its one-module light separator (clipped at the symbol edge).
  for (const [centerRow, centerColumn] of [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const) {
    for (let dr = -4; dr <= 4; dr++) {
      for (let dc = -4; dc <= 4; dc++) {
        const row = centerRow + dr;
        const column = centerColumn + dc;
        if (row < 0 || row >= size || column < 0 || column >= size) continue;
        const ring = Math.max(Math.abs(dr), Math.abs(dc));
        set(row, column, ring !== 2 && ring !== 4);
      }
    }
  }

  // Alignment patterns at every pair of listed coordinates except the three corners under the finders.
  const positions = alignmentPositions(version);
  const last = positions.length - 1;
  for (let i = 0; i <= last; i++) {
    for (let j = 0; j <= last; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          set(positions[i]! + dr, positions[j]! + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
        }
      }
    }
  }

  // Format information areas: reserved now, written per mask. The dark module sits next to the lower one.
  for (let i = 0; i < 9; i++) {
    reserved[8 * size + i] = 1;
    reserved[i * size + 8] = 1;
  }
  for (let i = 0; i < 8; i++) {
    reserved[8 * size + (size - 1 - i)] = 1;
    reserved[(size - 1 - i) * size + 8] = 1;
  }
  set(size - 8, 8, true);

  if (version >= 7) {
    const bits = versionInformationBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const near = Math.floor(i / 3);
      const far = size - 11 + (i % 3);
      set(near, far, dark); // upper right block
      set(far, near, dark); // lower left block
    }
  }

  return { version, size, modules, reserved, dataOrder: zigzagOrder(size, reserved, rawDataModules(version)) };
}

/**
 * Codeword placement (§7.7.3): two-module-wide columns from the right edge, alternately upwards and downwards,
 * right module before left, skipping reserved modules and the vertical timing column.
 */
function zigzagOrder(size: number, reserved: Uint8Array, count: number): Uint16Array {
  const order = new Uint16Array(count);
  let k = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (let column = right; column >= right - 1; column--) {
        const index = row * size + column;
        if (reserved[index] === 0) order[k++] = index;
      }
    }
  }
  return order;
}
