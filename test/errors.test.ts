import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BulwarkError, ERROR_CODES, isBulwarkError } from '../src/errors.js';
import { readNowOption } from '../src/internal/assert.js';

describe('BulwarkError', () => {
  it('carries name, code, details and cause', () => {
    const cause = new Error('socket closed');
    const e = new BulwarkError('STORE_UNAVAILABLE', 'store failed', { details: { store: 'redis' }, cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('BulwarkError');
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.details).toEqual({ store: 'redis' });
    expect(Object.isFrozen(e.details)).toBe(true);
    expect(e.cause).toBe(cause);
  });

  it('isBulwarkError recognises the brand across copies, and checks the code', () => {
    const e = new BulwarkError('CONFIG_INVALID', 'x');
    expect(isBulwarkError(e)).toBe(true);
    expect(isBulwarkError(e, 'CONFIG_INVALID')).toBe(true);
    expect(isBulwarkError(e, 'INPUT_INVALID')).toBe(false);
    // A structurally identical object from "another copy" carries the same global symbol brand.
    const foreign = Object.assign(new Error('x'), { code: 'CONFIG_INVALID' });
    Object.defineProperty(foreign, Symbol.for('bulwark.error'), { value: true });
    expect(isBulwarkError(foreign, 'CONFIG_INVALID')).toBe(true);
    expect(isBulwarkError(new Error('x'))).toBe(false);
    expect(isBulwarkError(null)).toBe(false);
    expect(isBulwarkError({ code: 'CONFIG_INVALID' })).toBe(false);
  });
});

describe('docs/errors.md', () => {
  const page = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...page.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);

  it('lists every code exactly once, in the order of the union', () => {
    expect(documented).toEqual([...ERROR_CODES]);
  });

  it('gives each code a cause and a remedy', () => {
    for (const line of page.split('\n').filter((l) => /^\|\s*`[A-Z_]+`\s*\|/.test(l))) {
      const cells = line.split('|').map((c) => c.trim());
      expect(cells[2]?.length, line).toBeGreaterThan(10);
      expect(cells[3]?.length, line).toBeGreaterThan(10);
    }
  });
});

describe('readNowOption (every module reads its `now` clock through it)', () => {
  it('falls back when absent, passes a function through, refuses anything else with CONFIG_INVALID', () => {
    const fallback = () => 1;
    const clock = () => 2;
    expect(readNowOption(undefined, fallback)).toBe(fallback);
    expect(readNowOption(clock, fallback)).toBe(clock);
    expect(() => readNowOption(123, fallback)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
