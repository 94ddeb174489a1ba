import { assertIntegerInRange } from '../internal/assert.js';
import { fillRandom } from './random.js';

/**
 * A small buffer of CSPRNG output that small draws (IVs, data keys) are cut from, each byte handed out once.
 *
 * Why: one call into the platform CSPRNG costs about as much as AES-GCM over 64 bytes, whatever the size asked;
 * one refill of 4 KiB serves ~70 envelopes. Bytes are copied out and the pool's copy is zeroed at once, so a
 * key drawn here lives in exactly one place. The pool is refilled only with `fillRandom` (the platform CSPRNG).
 *
 * Process cloning: JavaScript has no fork, and each worker or isolate loads its own copy of this module, so no
 * two threads share a pool. The one way to duplicate it is a memory snapshot taken after the pool was filled;
 * every copy restored from it would hand out the same data keys and IVs (GCM nonce reuse). Hence three guards:
 * no pool is kept while Node builds a startup snapshot (`node --build-snapshot`); a pool filled under another pid
 * is dropped (a restored Node snapshot runs under a new pid); and {@link resetRandomPool} for VM-level
 * snapshot/restore, where the pid stays the same and only the application's restore hook can tell.
 */
const POOL_BYTES = 4096;
/** Draws above this size go straight to the CSPRNG: the pool only pays off for small requests. */
const MAX_POOLED_DRAW = 256;

type Proc = { pid?: unknown; getBuiltinModule?: (id: string) => unknown };
type SnapshotApi = { isBuildingSnapshot?: () => unknown };

let pool: Uint8Array | undefined;
let offset = POOL_BYTES;
/** The process object and its pid when the pool was filled: read per draw, a property load and a compare. */
let proc: Proc | undefined;
let poolPid: unknown;
/** node:v8's startupSnapshot, looked up on the first refill only (null where there is none). */
let snapshotApi: SnapshotApi | null | undefined;

function buildingSnapshot(): boolean {
  if (snapshotApi === undefined) {
    snapshotApi = null;
    try {
      const v8 = proc?.getBuiltinModule?.('node:v8') as { startupSnapshot?: SnapshotApi } | undefined;
      snapshotApi = v8?.startupSnapshot ?? null;
    } catch {
      // A runtime whose getBuiltinModule throws has no Node snapshots either.
    }
  }
  return Boolean(snapshotApi?.isBuildingSnapshot?.());
}

/** `length` fresh CSPRNG bytes, served from the pool when small. Never returns the same byte twice. */
export function takeRandomBytes(length: number): Uint8Array {
  assertIntegerInRange(length, 'length', 0, 1 << 30);
  if (length > MAX_POOLED_DRAW) return fillRandom(new Uint8Array(length));
  const out = new Uint8Array(length);
  takeRandomBytesInto(out, 0, length);
  return out;
}

/**
 * Writes `length` (at most 256) fresh CSPRNG bytes into `target` from `at`, straight from the pool: no array of
 * its own. A small fresh array lives on the JavaScript heap, and the first `subarray` of it or native call with it
 * makes V8 move it off-heap (a malloc, freed later on another thread), which costs more than the draw itself.
 */
export function takeRandomBytesInto(target: Uint8Array, at: number, length: number): void {
  assertIntegerInRange(length, 'length', 0, MAX_POOLED_DRAW);
  assertIntegerInRange(at, 'at', 0, target.length - length);
  if (proc?.pid !== poolPid) resetRandomPool();
  if (offset + length > POOL_BYTES) {
    proc = (globalThis as { process?: Proc }).process;
    // Whatever stays in the heap is written into the snapshot: hand out fresh bytes and keep none.
    if (buildingSnapshot()) {
      fillRandom(target.subarray(at, at + length)); // in place: no copy of a key left behind
      return;
    }
    if (pool === undefined) {
      pool = new Uint8Array(POOL_BYTES);
      resets().add(resetOwnPool);
    }
    fillRandom(pool);
    poolPid = proc?.pid;
    offset = 0;
  }
  const p = pool as Uint8Array;
  for (let i = 0; i < length; i++) {
    target[at + i] = p[offset + i] as number;
    p[offset + i] = 0;
  }
  offset += length;
}

/**
 * Discards the random bytes bulwark keeps ready for data keys and IVs (zeroing them); the next draw refills from
 * the platform CSPRNG. Call it in the restore hook of a VM-level snapshot (Firecracker, Lambda SnapStart and the
 * like), before encrypting: without it, every VM restored from one snapshot would hand out the same data keys and
 * IVs. Node startup snapshots (`node --build-snapshot`) need no call: bulwark detects them.
 * @example
 * onRestore(() => resetRandomPool()); // onRestore: your platform's after-restore hook
 */
export function resetRandomPool(): void {
  // This copy's own reset is in the set once it has filled a pool; before that it holds nothing to reset.
  for (const reset of resets()) reset();
}

function resetOwnPool(): void {
  pool?.fill(0);
  offset = POOL_BYTES;
}

/**
 * Every copy of this module loaded in the realm (the ESM and CommonJS builds are separate copies, and an app may
 * load both, or a dependency may bring its own) adds its reset to one shared set when it first fills a pool, so
 * one resetRandomPool call clears them all: a copy missed after a VM restore would repeat IVs. Only resets are
 * shared, never bytes: anything in the realm may call them, which costs a refill at most.
 */
const RESETS = Symbol.for('bulwark.random-pool.resets.v1');

/** Where globalThis is frozen or not extensible (a hardened realm), only this copy's pool is reset. */
let localResets: Set<() => void> | undefined;

function resets(): Set<() => void> {
  const g = globalThis as { [RESETS]?: Set<() => void> };
  let set = g[RESETS] ?? localResets;
  if (set === undefined) {
    set = new Set();
    try {
      Object.defineProperty(g, RESETS, { value: set, enumerable: false, configurable: false, writable: false });
    } catch {
      localResets = set;
    }
  }
  return set;
}
