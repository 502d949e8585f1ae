// The scheduled idle scan: exactly one per day (in the team's zone) per channel. A finding already
// posted there and still idle is not posted again: its earlier message is brought up to date (the
// state of its buttons, and a line saying it was still idle today) and the day's message points to it.

import type { Finding } from '../../reports/idleScan/idleFindings.ts';
import { markReported, REPORTED_SECONDS, reportedIn } from '../../reports/idleScan/reportedFindings.ts';
import { runScan } from '../../reports/idleScan/scanJob.ts';
import { resourceStatus } from '../actions/actionState.ts';
import { actionAllowed } from '../actions/approvedChange.ts';
import { resourceKey } from '../actions/findingRef.ts';
import { localDate } from '../calc/period.ts';
import { DEFAULT_APPROVALS } from '../settings/fileSettings.ts';
import type { Block } from '../slack/blockLimits.ts';
import { messageLink, rerenderControls, resourcesIn, scanMessage } from '../slack/findingBlocks.ts';
import { rememberedMessage, rememberMessage } from '../slack/shownMessages.ts';
import { type JobOutcome, postOnce, type ScheduledJobContext } from './postOnce.ts';

export const SCAN_CLAIM_SECONDS = 3 * 24 * 60 * 60;
const STILL_IDLE = 'still-idle';

export function dailyScanJob(context: ScheduledJobContext): Promise<JobOutcome> {
  const now = context.now();
  const day = localDate(now, context.digest.timezone);
  const channel = context.scan?.channel;
  const allows = actionAllowed(context.scan?.approvals ?? DEFAULT_APPROVALS);
  return postOnce(
    context,
    'daily-scan',
    channel,
    { key: `scan#${day}#${channel}`, ttlSeconds: SCAN_CLAIM_SECONDS, period: day },
    async () => {
      const report = await runScan(context.digest, now, context.env, context.scan, context.state);
      const reported = await reportedIn(context.state, channel!, report.findings.map(resourceKey), now.getTime());
      const earlier = report.findings.filter((f) => reported.has(resourceKey(f)));
      const byMessage = new Map<string, Finding[]>();
      for (const f of earlier) {
        const ts = reported.get(resourceKey(f))!.ts;
        byMessage.set(ts, [...(byMessage.get(ts) ?? []), f]);
      }
      const links: string[] = [];
      const updated = new Set<string>();
      for (const [ts, findings] of byMessage) {
        const shown = await rememberedMessage(context.state, channel!, ts);
        if (!shown) continue;
        const note: Block = {
          type: 'context',
          block_id: STILL_IDLE,
          elements: [{ type: 'mrkdwn', text: `Still idle on ${day} (daily scan): ${findings.map((f) => f.name).join(', ')}` }],
        };
        const blocks = [
          ...(await rerenderControls(
            shown.blocks.filter((b) => b.block_id !== STILL_IDLE),
            (resources) => resourceStatus(context.state, resources),
            allows,
            ts,
          )),
          note,
        ];
        await context.update(channel!, ts, { text: shown.text, blocks });
        await rememberMessage(context.state, { ...shown, channel: channel!, ts, blocks }, REPORTED_SECONDS);
        updated.add(ts);
        links.push(
          messageLink(
            channel!,
            ts,
            `the report of ${localDate(new Date(reported.get(resourceKey(findings[0]!))!.at), context.digest.timezone)}`,
          ),
        );
      }
      // findings whose earlier message is gone (older than the store remembers) are posted again
      const pointedTo = earlier.filter((f) => updated.has(reported.get(resourceKey(f))!.ts));
      const fresh = report.findings.filter((f) => !pointedTo.includes(f));
      const message = scanMessage({ ...report, findings: fresh }, allows, { findings: pointedTo, links });
      return {
        plan: report.plan,
        message,
        posted: async (part, ts) => {
          await markReported(context.state, channel!, resourcesIn(part.blocks), ts, now.getTime());
          await rememberMessage(
            context.state,
            { channel: channel!, ts, ephemeral: false, text: part.text, blocks: part.blocks },
            REPORTED_SECONDS,
          );
        },
      };
    },
  );
}
