/**
 * The smallest client surface the store needs: run a script by SHA, or by source on NOSCRIPT. Both common clients
 * are recognised by the shape of their methods, never by class name.
 */
import type { RedisScript } from './script.js';

/** ioredis (and ioredis Cluster): `evalsha(sha, numKeys, ...keys, ...args)`. */
export interface IoredisLikeClient {
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** node-redis v4 to v6 (and its cluster client): `evalSha(sha, { keys, arguments })`. */
export interface NodeRedisLikeClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Any client the store accepts. */
export type RedisClientLike = IoredisLikeClient | NodeRedisLikeClient;

/** Runs one script: exactly one round trip, plus one EVAL the first time a server has not seen the script. */
export type ScriptRunner = (script: RedisScript, keys: string[], args: string[]) => Promise<unknown>;

/**
 * Whether `o` has a method `name` that is not the one a polluted Object.prototype would lend every object (which
 * would then answer every script call). Compared, not looked up by chain: clients may be Proxies. The core's
 * `methodOf` is internal, and this adapter uses only bulwark's public API, so the check is spelled out here.
 */
function hasMethod(o: object, name: string): boolean {
  const value = (o as Record<string, unknown>)[name];
  return typeof value === 'function' && value !== (Object.prototype as Record<string, unknown>)[name];
}

/** Returns a runner for `client`, or undefined when it has neither method shape. */
export function toScriptRunner(client: unknown): ScriptRunner | undefined {
  const c = client as Partial<IoredisLikeClient & NodeRedisLikeClient> | null;
  if (typeof c !== 'object' || c === null || !hasMethod(c, 'eval')) return undefined;
  // Async runners: a client (a wrapper, a fake) that throws synchronously, or returns a plain value, still yields a
  // promise, so a throw never escapes the batch's flush (a microtask) as an uncaught exception.
  if (hasMethod(c, 'evalSha')) {
    const node = c as NodeRedisLikeClient;
    return async (script, keys, args) => {
      const options = { keys, arguments: args };
      try {
        return await node.evalSha(script.sha, options);
      } catch (error) {
        if (!isRedisError(error, 'NOSCRIPT')) throw error;
        return node.eval(script.source, options);
      }
    };
  }
  if (hasMethod(c, 'evalsha')) {
    const io = c as IoredisLikeClient;
    return async (script, keys, args) => {
      try {
        return await io.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isRedisError(error, 'NOSCRIPT')) throw error;
        return io.eval(script.source, keys.length, ...keys, ...args);
      }
    };
  }
  return undefined;
}

/**
 * True only for a client that positively says it talks to one server: an ioredis `Redis` (`isCluster === false`)
 * or a node-redis standalone client (it has `select`, which cluster clients lack, and no `masters`). Anything else,
 * including wrappers, is treated as possibly clustered.
 */
export function isSingleServerClient(client: unknown): boolean {
  const c = client as { isCluster?: unknown; select?: unknown; evalSha?: unknown } | null;
  if (typeof c !== 'object' || c === null) return false;
  // Own `isCluster` only (ioredis sets it on each client): a polluted Object.prototype must not vouch for a client.
  if (Object.hasOwn(c, 'isCluster') && c.isCluster === false) return true;
  return hasMethod(c, 'evalSha') && hasMethod(c, 'select') && !('masters' in c);
}

/** True when a Redis error reply starts with or contains `code` (NOSCRIPT, CROSSSLOT, ...). */
export function isRedisError(error: unknown, code: string): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.includes(code);
}
