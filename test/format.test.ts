// Numbers as people read them in Slack and the terminal.
import { describe, expect, it } from 'vitest';
import { grouped, hourlyPrice, money } from '../src/present/format.ts';

describe('grouped numbers', () => {
  it('puts a comma between thousands, as en-US does', () => {
    for (const value of [0, 7, 999, 1000, 65_536, 1_234_567, 12_345_678.9, -1_234.4]) {
      expect(grouped(value)).toBe(Math.round(value).toLocaleString('en-US'));
    }
  });

  it('keeps the fraction digits asked for, rounding the last one', () => {
    expect(grouped(1234.567, 2)).toBe('1,234.57');
    expect(grouped(999.995, 2)).toBe('1,000.00');
    expect(grouped(5, 2)).toBe('5.00');
  });

  it('writes no minus sign on a value that rounds to zero', () => {
    expect(grouped(-0.4)).toBe('0');
    expect(grouped(-0.004, 2)).toBe('0.00');
  });

  it('is what money and hourly prices print', () => {
    expect(money(1234.5)).toBe('$1,235');
    expect(money(-98_765)).toBe('−$98,765');
    expect(hourlyPrice(1234.5)).toBe('$1,234.50/h');
  });
});
