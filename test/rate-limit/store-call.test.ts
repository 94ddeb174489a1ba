import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callStore } from '../../src/internal/store-call.js';
import { expectBulwarkError } from '../support/errors.js';
import { createLateAnswers } from '../support/later.js';

describe('callStore: a late answer is handed to undoLate', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => process.off('unhandledRejection', onUnhandled));

  const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

  it('only when the answer came after the deadline, and only a success', async () => {
    const undone: string[] = [];
    const undo = (value: string) => void undone.push(value);
    expect(await callStore(async () => 'in time', 1000, undo)).toBe('in time');
    const answers = createLateAnswers(30);
    await expectBulwarkError(() => callStore(() => answers.later(() => 'late'), 5, undo), 'STORE_TIMEOUT');
    await expectBulwarkError(
      () =>
        callStore(
          () =>
            answers.later(() => {
              throw new Error('late failure');
            }),
          5,
          undo,
        ),
      'STORE_TIMEOUT',
    );
    await settle();
    expect(undone).toEqual(['late']);
    expect(unhandled).toEqual([]);
  });

  it('swallows a compensation that throws or rejects: best effort, never an unhandled rejection', async () => {
    const answers = createLateAnswers(30);
    let calls = 0;
    const throwing = () => {
      calls++;
      throw new Error('compensation failed');
    };
    const rejecting = async () => {
      calls++;
      throw new Error('compensation rejected');
    };
    for (const undo of [throwing, rejecting]) {
      await expectBulwarkError(() => callStore(() => answers.later(() => 1), 5, undo), 'STORE_TIMEOUT');
    }
    await settle();
    expect(calls).toBe(2);
    expect(unhandled).toEqual([]);
  });
});
