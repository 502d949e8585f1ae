import { demoAccount } from '../src/digest/demoAccount.ts';
import { lastFullWeek } from '../src/digest/period.ts';
import { weeklyDigest } from '../src/digest/weeklyDigest.ts';
async function main() {
  const now = new Date('2026-11-23T08:00:00Z');
  const d = await weeklyDigest(demoAccount, lastFullWeek(now, 'Europe/Berlin'), 'team', now);
  console.log(JSON.stringify({ ...d, period: d.period.week.isoWeek }, null, 1).slice(0, 4000));
}
main();
