/**
 * jwt-verify-without-algorithms decides by the version a package.json range lets a fresh install
 * reach: these are the ranges that decide whether jsonwebtoken 9 / passport-jwt 4.0.1 applies.
 */
import { describe, expect, it } from 'vitest';
import { rangeReaches } from '../../src/rules/utils/jwt-calls.js';

describe('rangeReaches', () => {
  it('a caret range stays in its major', () => {
    expect(rangeReaches('^8.5.1', '9.0.0')).toBe(false);
    expect(rangeReaches('^9.0.0', '9.0.0')).toBe(true);
    expect(rangeReaches('^4.0.0', '4.0.1')).toBe(true);
    expect(rangeReaches('^0.4.0', '9.0.0')).toBe(false);
  });

  it('a tilde range stays in its minor, an exact version is itself', () => {
    expect(rangeReaches('~4.0.0', '4.0.1')).toBe(true);
    expect(rangeReaches('~8.5.0', '9.0.0')).toBe(false);
    expect(rangeReaches('4.0.0', '4.0.1')).toBe(false);
    expect(rangeReaches('9.0.2', '9.0.0')).toBe(true);
    expect(rangeReaches('8.x', '9.0.0')).toBe(false);
  });

  it('open ranges reach anything; upper bounds and alternatives are read', () => {
    expect(rangeReaches('>=8.0.0', '9.0.0')).toBe(true);
    expect(rangeReaches('*', '9.0.0')).toBe(true);
    expect(rangeReaches('latest', '9.0.0')).toBe(true);
    expect(rangeReaches('<9.0.0', '9.0.0')).toBe(false);
    expect(rangeReaches('^8.5.1 || ^9.0.0', '9.0.0')).toBe(true);
  });

  it('says nothing of what it cannot read', () => {
    expect(rangeReaches('workspace:*', '9.0.0')).toBeUndefined();
    expect(rangeReaches('github:auth0/node-jsonwebtoken', '9.0.0')).toBeUndefined();
  });
});
