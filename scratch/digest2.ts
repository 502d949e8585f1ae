import { demoAccount } from '../src/digest/demoAccount.ts';
import { digestAsPlan } from '../src/digest/digestPresentation.ts';
import { lastFullWeek } from '../src/digest/period.ts';
import { weeklyDigest } from '../src/digest/weeklyDigest.ts';
import { renderPlanText } from '../src/runtime/planText.ts';
async function main() {
  const now = new Date('2026-11-23T08:00:00Z');
  const d = await weeklyDigest(demoAccount, lastFullWeek(now, 'Europe/Berlin'), 'team', now);
  console.log(renderPlanText(digestAsPlan(d)));
}
main();
