// Rightsizing in Slack: each recommendation from what to what with its saving and evidence, and for
// a SageMaker variant a Resize button (a confirm dialog naming the change and the saving) that
// becomes a status line once someone acts (resizing…, resized · Restore, failed · Retry…), always
// rendered from the state store, as the idle findings' buttons are.
import type { Recommendation, RightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import { type RightsizingReport, rightsizingAsPlan } from '../../reports/rightsizing/rightsizeJob.ts';
import type { ActionRecord, ResourceStatus } from '../actions/actionState.ts';
import { resizeEffect, resizeSaves } from '../actions/resizeActions.ts';
import { parseResizeRef, type ResizeRef, resizeKey, resizeRef } from '../actions/resizeRef.ts';
import { describeSize } from '../clouds/resizer.ts';
import { money, utcMinute } from '../present/format.ts';
import { type Block, type ButtonElement, buttonsIn, clip, MAX_FIELDS, type SlackMessage } from './blockLimits.ts';
import { planBlocks } from './planBlocks.ts';

export const RESIZE_ACTIONS = { resize: 'rightsize_resize', restore: 'rightsize_restore' } as const;
type ResizeButton = keyof typeof RESIZE_ACTIONS;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

export const RESIZE_CONTROL = 'rsz';
export const resizeControlBlockId = (ref: ResizeRef) => clip(`${RESIZE_CONTROL}|${resizeKey(ref)}|`, 255);

function button(action: ResizeButton, ref: ResizeRef, label: string): ButtonElement {
  const base: ButtonElement = { type: 'button', action_id: RESIZE_ACTIONS[action], text: plain(label), value: JSON.stringify(ref) };
  if (action !== 'resize') return base;
  return {
    ...base,
    style: 'primary' as const,
    confirm: {
      title: plain(clip(`Resize ${ref.endpointName}?`, 100)),
      text: mrkdwn(
        clip(
          `Resize moves ${resizeEffect(ref)}. It ${resizeSaves(ref)}. burnrate checks the endpoint and its load again before acting.`,
          300,
        ),
      ),
      confirm: plain('Resize it'),
      deny: plain('Cancel'),
    },
  };
}

function statusLine(ref: ResizeRef, text: string, accessory?: ButtonElement): Block {
  return { type: 'section', block_id: resizeControlBlockId(ref), text: mrkdwn(text), ...(accessory ? { accessory } : {}) };
}

/** What a recommendation's control block shows, given what the state store says about its Resize. */
export function resizeControlBlock(
  ref: ResizeRef,
  allows: (action: 'resize' | 'restore') => boolean,
  status: ResourceStatus<ResizeRef> = {},
): Block {
  const { action } = status;
  if (!action)
    return allows('resize')
      ? { type: 'actions', block_id: resizeControlBlockId(ref), elements: [button('resize', ref, 'Resize')] }
      : { type: 'context', block_id: resizeControlBlockId(ref), elements: [mrkdwn('Resize is not enabled (approvals.actions).')] };
  const by = /^[UW][A-Z0-9]+$/.test(action.by) ? `<@${action.by}>` : `the ${action.by}`;
  const approvers = action.approvals.map((u) => `<@${u}>`).join(', ');
  switch (action.status) {
    case 'awaiting-second':
      return statusLine(
        ref,
        `:raised_hand: Production endpoint: approved by ${approvers}; a second approver must press Resize`,
        button('resize', ref, 'Resize (second approval)'),
      );
    case 'resizing':
      return statusLine(
        ref,
        `:hourglass_flowing_sand: Resizing to ${describeSize(ref.recommended)}… approved by ${approvers} (a blue/green update takes minutes)`,
      );
    case 'resized':
      return statusLine(
        ref,
        `:white_check_mark: Resized to ${describeSize(ref.recommended)} at ${utcMinute(action.at)} by ${by} · ${resizeSaves(ref)}${action.reason ? `\n:warning: ${clip(action.reason, 800)}` : ''}`,
        allows('restore') ? button('restore', ref, 'Restore') : undefined,
      );
    case 'restoring':
      return statusLine(ref, `:hourglass_flowing_sand: Restoring to ${describeSize(ref.current)}… started by ${by}`);
    case 'restored':
      return statusLine(ref, `:leftwards_arrow_with_hook: Restored to ${describeSize(ref.current)} at ${utcMinute(action.at)} by ${by}`);
    case 'not-resized':
      return statusLine(ref, `:no_entry_sign: Not resized (${utcMinute(action.at)}, ${by}): ${clip(action.reason ?? '', 1500)}`);
    case 'dry-run':
      return statusLine(
        ref,
        `:test_tube: Dry run for ${by}: Resize would have moved ${resizeEffect(ref)}. Nothing was changed (${action.reason}).`,
      );
    case 'failed':
      return statusLine(
        ref,
        `:x: Resize failed (${utcMinute(action.at)}, ${by}): ${clip(action.reason ?? '', 1500)}`,
        button('resize', ref, 'Retry'),
      );
    default:
      // a Stop's statuses live under the endpoint's own key, never a Resize's
      return statusLine(ref, `Status: ${action.status}`);
  }
}

/** The ref in a resize control block's button, when it has one. */
export function resizeRefInBlock(block: Block): ResizeRef | undefined {
  return buttonsIn(block)
    .map((e) => parseResizeRef(e.value))
    .find((ref) => ref !== undefined);
}

/**
 * Each recommendation as a section (from what to what, the saving, the evidence) followed, for a
 * SageMaker variant, by its Resize control; at most `max` of them, the rest counted.
 */
export function recommendationBlocks(
  recommendations: Recommendation[],
  allows: (action: 'resize' | 'restore') => boolean,
  max: number,
  evidenceLines = 3,
): Block[] {
  const shown = recommendations.slice(0, max);
  const more = recommendations.length - shown.length;
  return [
    ...shown.flatMap((r): Block[] => {
      const ref = resizeRef(r);
      const section: Block = {
        type: 'section',
        text: mrkdwn(
          clip(
            `*${r.name}*${r.place === 'default region' ? '' : ` (${r.place})`}: ` +
              `${describeSize(r.current)} → ${describeSize(r.recommended)}, saves ${money(r.monthlySaving)} a month (${r.confidence} confidence)\n` +
              `${r.evidence.slice(0, evidenceLines).join('; ')}${r.commands ? `\n_Advice: ${r.changes}_` : ''}`,
            3000,
          ),
        ),
      };
      return ref ? [section, resizeControlBlock(ref, allows)] : [section];
    }),
    ...(more
      ? [{ type: 'context' as const, elements: [mrkdwn(`…and ${more} more. \`npx burnrate rightsize --dry-run\` lists them all.`)] }]
      : []),
  ];
}

/** Recommendations shown with buttons in /finops rightsize; the rest are counted and left to the CLI. */
const MAX_RECOMMENDATIONS_SHOWN = 18;

/** /finops rightsize: the report's summary and notes, with each recommendation and its Resize button. */
export function rightsizingMessage(
  report: RightsizingReport,
  settings: RightsizingSettings,
  allows: (action: 'resize' | 'restore') => boolean,
): SlackMessage {
  const plan = rightsizingAsPlan(report, settings, { recommendationsTable: false });
  const base = planBlocks(plan);
  const head = 1 + Math.ceil(plan.rows.length / MAX_FIELDS);
  return {
    text: base.text,
    blocks: [
      ...base.blocks.slice(0, head),
      ...recommendationBlocks(report.recommendations, allows, MAX_RECOMMENDATIONS_SHOWN, 10),
      ...base.blocks.slice(head),
    ],
  };
}

/** The line a resize's thread gets from the click that acted, once SageMaker has settled: where the endpoint stands now. */
export function resizeOutcome(action: 'resize' | 'restore', ref: ResizeRef, record: ActionRecord<ResizeRef>): string {
  const what = `*${ref.endpointName} / ${ref.variantName}*`;
  if (action === 'restore')
    return record.status === 'restored'
      ? `:leftwards_arrow_with_hook: ${what} is back on ${describeSize(ref.current)}, restored by <@${record.by}>.`
      : `:x: ${what}: ${record.reason}`;
  return record.status === 'resized'
    ? `:white_check_mark: ${what} is InService on ${describeSize(ref.recommended)} (was ${describeSize(ref.current)}), resized by <@${record.by}>; it ${resizeSaves(ref)}. Restore puts it back.`
    : `:x: ${what} was not resized: ${record.reason}`;
}
