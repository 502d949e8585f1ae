// The weeks a digest covers, in the team's time zone: the last full Monday–Sunday week before
// "now" and the week before it. Computed from the clock at run time, never at module load.
// Dates are calendar dates (YYYY-MM-DD) in that zone; `end` is exclusive, as Cost Explorer's is.

export interface Week {
  /** ISO 8601 week, e.g. 2026-W47 */
  isoWeek: string;
  /** Monday */
  start: string;
  /** the Monday after: exclusive */
  end: string;
  days: string[];
}

export interface DigestPeriod {
  week: Week;
  previous: Week;
  /** the zone's calendar date at "now" */
  today: string;
  timeZone: string;
}

const DAY_MS = 86_400_000;

/** The calendar date in `timeZone` at the instant `now`. */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => fromUtc(toUtc(date) + days * DAY_MS);
/** Days from one date to another (YYYY-MM-DD, UTC). */
export const daysBetween = (start: string, end: string) => (toUtc(end) - toUtc(start)) / DAY_MS;

/** ISO weekday: Monday 1 … Sunday 7 */
function isoWeekday(date: string): number {
  return ((new Date(toUtc(date)).getUTCDay() + 6) % 7) + 1;
}

/** ISO 8601 week of a date: the week belongs to the year of its Thursday. */
export function isoWeekOf(date: string): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((toUtc(thursday) - toUtc(`${year}-01-01`)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function weekStarting(monday: string): Week {
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return { isoWeek: isoWeekOf(monday), start: monday, end: addDays(monday, 7), days };
}

/** The Monday of an ISO week such as 2026-W47; undefined when there is no such week. */
export function mondayOfIsoWeek(isoWeek: string): string | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  if (!match) return undefined;
  const [year, week] = [Number(match[1]), Number(match[2])];
  const jan4 = `${year}-01-04`;
  const monday = addDays(addDays(jan4, 1 - isoWeekday(jan4)), (week - 1) * 7);
  return week >= 1 && isoWeekOf(monday) === isoWeek ? monday : undefined;
}

/** The last full week before `now` in `timeZone`, and the one before it. */
export function lastFullWeek(now: Date, timeZone: string): DigestPeriod {
  const today = localDate(now, timeZone);
  const thisMonday = addDays(today, 1 - isoWeekday(today));
  const week = weekStarting(addDays(thisMonday, -7));
  return { week, previous: weekStarting(addDays(week.start, -7)), today, timeZone };
}

/** A named ISO week and the one before it. */
export function namedWeek(isoWeek: string, now: Date, timeZone: string): DigestPeriod | undefined {
  const monday = mondayOfIsoWeek(isoWeek);
  if (!monday) return undefined;
  const week = weekStarting(monday);
  return { week, previous: weekStarting(addDays(monday, -7)), today: localDate(now, timeZone), timeZone };
}

/** Billing data for the last 48 hours is still settling: these days are provisional. */
export function isProvisional(date: string, now: Date): boolean {
  return toUtc(addDays(date, 1)) > now.getTime() - 2 * DAY_MS;
}
