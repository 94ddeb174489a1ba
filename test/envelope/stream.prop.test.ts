import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/envelope/stream.js';

/** One stream step: a chunk arrives, pieces are taken (each wiped once used, as encryptStream does), then `own`. */
const step = fc.record({
  chunk: fc.uint8Array({ maxLength: 300 }),
  takes: fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 400 })), { maxLength: 4 }),
  peek: fc.integer({ min: 0, max: 400 }),
  clear: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

describe('the stream byte queue, against an array of bytes', () => {
  it.each([true, false])('hands out exactly what was pushed, owns what it holds back (secret: %s)', (secret) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(step, { maxLength: 30 }), (bound, steps) => {
        const queue = new ByteQueue(secret, bound);
        const model: number[] = [];
        // One buffer for every chunk, overwritten once a step is over, as a producer reusing its buffer may.
        const input = new Uint8Array(300);
        for (const { chunk, takes, peek, clear } of steps) {
          input.set(chunk);
          const borrowed = input.subarray(0, chunk.length);
          queue.push(borrowed);
          model.push(...chunk);
          expect(Array.from(queue.peek(peek))).toEqual(model.slice(0, peek));
          for (const wanted of takes) {
            const n = Math.min(wanted, model.length);
            const piece = queue.take(n);
            expect(Array.from(piece)).toEqual(model.splice(0, n));
            expect(queue.length).toBe(model.length);
            queue.wipeSpent();
            // Pieces cut from the caller's chunk are the caller's; plaintext the queue copied is zeroed once used.
            if (secret && piece.buffer !== input.buffer) expect(piece.every((b) => b === 0)).toBe(true);
          }
          if (clear) {
            queue.clear();
            model.length = 0;
          }
          queue.own();
          input.fill(0xee);
          expect(queue.length).toBe(model.length);
        }
        expect(Array.from(queue.take(model.length))).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});
