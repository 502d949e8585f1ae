// The digest's weeks in the team's time zone, at month and year boundaries.
import { describe, expect, it } from 'vitest';
import { isoWeekOf, isProvisional, lastFullWeek, mondayOfIsoWeek, namedWeek } from '../src/calc/period.ts';

describe('lastFullWeek', () => {
  it('on Monday morning, is the Monday–Sunday just ended, end exclusive', () => {
    const { week, previous, today } = lastFullWeek(new Date('2026-11-23T08:00:00Z'), 'Europe/Berlin');
    expect(today).toBe('2026-11-23');
    expect(week).toMatchObject({ isoWeek: '2026-W47', start: '2026-11-16', end: '2026-11-23' });
    expect(week.days).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(previous).toMatchObject({ isoWeek: '2026-W46', start: '2026-11-09', end: '2026-11-16' });
  });

  it('follows the zone where Monday 09:00 is still Sunday in UTC', () => {
    // Monday 2026-11-23 09:00 in Auckland (UTC+13) is Sunday 20:00 UTC
    const now = new Date('2026-11-22T20:00:00Z');
    expect(lastFullWeek(now, 'Pacific/Auckland').week.start).toBe('2026-11-16');
    expect(lastFullWeek(now, 'UTC').week.start).toBe('2026-11-09');
  });

  it('crosses a month boundary', () => {
    const { week } = lastFullWeek(new Date('2026-12-07T10:00:00Z'), 'UTC');
    expect(week).toMatchObject({ start: '2026-11-30', end: '2026-12-07', isoWeek: '2026-W49' });
  });

  it('crosses a year boundary into ISO week 53', () => {
    const { week, previous } = lastFullWeek(new Date('2027-01-04T09:00:00Z'), 'America/New_York');
    expect(week).toMatchObject({ isoWeek: '2026-W53', start: '2026-12-28', end: '2027-01-04' });
    expect(previous.isoWeek).toBe('2026-W52');
  });
});

describe('ISO weeks', () => {
  it('names and finds weeks', () => {
    expect(isoWeekOf('2026-11-22')).toBe('2026-W47');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(mondayOfIsoWeek('2026-W47')).toBe('2026-11-16');
    expect(mondayOfIsoWeek('2026-W01')).toBe('2025-12-29');
    expect(mondayOfIsoWeek('2026-W53')).toBe('2026-12-28');
    expect(mondayOfIsoWeek('2025-W53')).toBeUndefined();
    expect(mondayOfIsoWeek('2026-47')).toBeUndefined();
    expect(namedWeek('2026-W47', new Date('2026-11-25T00:00:00Z'), 'UTC')!.previous.start).toBe('2026-11-09');
  });
});

describe('provisional days', () => {
  it('marks days that ended less than 48 hours ago', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(isProvisional('2026-11-22', now)).toBe(true);
    expect(isProvisional('2026-11-21', now)).toBe(true);
    expect(isProvisional('2026-11-20', now)).toBe(false);
  });
});
