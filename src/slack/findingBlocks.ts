// The idle report in Slack: each finding with its evidence and its buttons (Stop with a confirm
// dialog that says what happens, Snooze 7d, Keep), and, once someone acts, a status line in place
// of the buttons (stopping…, stopped · Restore, failed · Retry…), always rendered from the state
// store so that every update of the message shows every finding's latest state.

import { type Finding, offersStop } from '../../reports/idleScan/idleFindings.ts';
import { KIND_TITLES, type ScanReport } from '../../reports/idleScan/scanJob.ts';
import type { Recommendation } from '../../reports/rightsizing/recommend.ts';
import type { ActionStatus, ResourceStatus } from '../actions/actionState.ts';
import type { KindAllows } from '../actions/approvedChange.ts';
import { type FindingRef, findingRef, parseFindingRef, resourceKey } from '../actions/findingRef.ts';
import { type IdleAction, SNOOZE_DAYS, saves } from '../actions/idleActions.ts';
import type { ResizeRef } from '../actions/resizeRef.ts';
import { money, placeOf, utcDay, utcMinute } from '../present/format.ts';
import { type Block, type ButtonElement, buttonsIn, clip, MAX_FIELDS, type SlackMessage } from './blockLimits.ts';
import { planBlocks } from './planBlocks.ts';
import { RESIZE_CONTROL, recommendationBlocks, resizeControlBlock, resizeRefInBlock } from './rightsizingBlocks.ts';

export const IDLE_ACTIONS = { stop: 'idle_stop', snooze: 'idle_snooze', keep: 'idle_keep', restore: 'idle_restore' } as const;
/** Findings shown with buttons in one message; the rest are counted and left to the CLI. */
export const MAX_FINDINGS_SHOWN = 18;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

const CONTROL = 'ctl';
export const controlBlockId = (ref: FindingRef) => clip(`${CONTROL}|${resourceKey(ref)}|${ref.id}`, 255);
/** The resource a control block is about: a finding's (Stop, Snooze, Keep) or a recommendation's (Resize). */
export const resourceOfBlock = (blockId: string | undefined) =>
  blockId?.startsWith(`${CONTROL}|`) || blockId?.startsWith(`${RESIZE_CONTROL}|`) ? blockId.split('|')[1] : undefined;

function button(action: IdleAction, ref: FindingRef, label: string): ButtonElement {
  const base: ButtonElement = { type: 'button', action_id: IDLE_ACTIONS[action], text: plain(label), value: JSON.stringify(ref) };
  if (action !== 'stop') return base;
  return {
    ...base,
    style: 'danger' as const,
    confirm: {
      title: plain(clip(`Stop ${ref.name}?`, 100)),
      text: mrkdwn(clip(`Stop ${ref.stopEffect}. It ${saves(ref)}. burnrate checks again that it is idle before acting.`, 300)),
      confirm: plain('Stop it'),
      deny: plain('Cancel'),
      style: 'danger' as const,
    },
  };
}

/** The buttons a finding offers: no Stop for Spot instances or partly idle endpoints, nor where approvals.actions leaves it out. */
function buttons(ref: FindingRef, allows: (action: IdleAction) => boolean): Block {
  const offered: ButtonElement[] = [];
  if (offersStop(ref) && allows('stop')) offered.push(button('stop', ref, 'Stop'));
  if (allows('snooze')) offered.push(button('snooze', ref, `Snooze ${SNOOZE_DAYS}d`));
  if (allows('keep')) offered.push(button('keep', ref, 'Keep'));
  if (!offered.length)
    return {
      type: 'context',
      block_id: controlBlockId(ref),
      elements: [mrkdwn('No actions are enabled for this kind (approvals.actions).')],
    };
  return { type: 'actions', block_id: controlBlockId(ref), elements: offered };
}

function statusLine(ref: FindingRef, text: string, accessory?: ButtonElement): Block {
  return { type: 'section', block_id: controlBlockId(ref), text: mrkdwn(text), ...(accessory ? { accessory } : {}) };
}

/** What a finding's control block shows, given what the state store says about its resource. */
export function controlBlock(ref: FindingRef, allows: (action: IdleAction) => boolean, status: ResourceStatus = {}): Block {
  const { action, decision } = status;
  if (decision && (!action || decision.at >= action.at)) {
    return decision.type === 'snooze'
      ? statusLine(ref, `:zzz: Snoozed until ${utcDay(decision.until)} by <@${decision.by}>`)
      : statusLine(ref, `:pushpin: Kept by <@${decision.by}>: ${clip(decision.reason, 500)}`);
  }
  if (!action) return buttons(ref, allows);
  // a person is mentioned; burnrate's own moves (the scan's reconciling) are named as they are
  const by = /^[UW][A-Z0-9]+$/.test(action.by) ? `<@${action.by}>` : `the ${action.by}`;
  switch (action.status) {
    case 'awaiting-second':
      return statusLine(
        ref,
        `:raised_hand: Production resource: approved by ${action.approvals.map((u) => `<@${u}>`).join(', ')}; a second approver must press Stop`,
        button('stop', ref, 'Stop (second approval)'),
      );
    case 'stopping':
      return statusLine(ref, `:hourglass_flowing_sand: Stopping… approved by ${action.approvals.map((u) => `<@${u}>`).join(', ')}`);
    case 'stopped':
      return statusLine(
        ref,
        `:white_check_mark: Stopped at ${utcMinute(action.at)} by ${by} · ${saves(ref)}${action.reason ? `\n:warning: ${clip(action.reason, 800)}` : ''}`,
        allows('restore') ? button('restore', ref, 'Restore') : undefined,
      );
    case 'restoring':
      return statusLine(ref, `:hourglass_flowing_sand: Restoring… started by ${by}`);
    case 'restored':
      return statusLine(
        ref,
        `:leftwards_arrow_with_hook: Restored at ${utcMinute(action.at)} by ${by}${action.reason ? ` (${action.reason})` : ''}`,
      );
    case 'not-stopped':
      return statusLine(ref, `:no_entry_sign: Not stopped (${utcMinute(action.at)}, ${by}): ${clip(action.reason ?? '', 1500)}`);
    case 'dry-run':
      return statusLine(ref, `:test_tube: Dry run for ${by}: Stop would have ${ref.stopEffect}. Nothing was changed (${action.reason}).`);
    case 'failed':
      return statusLine(
        ref,
        `:x: Stop failed (${utcMinute(action.at)}, ${by}): ${clip(action.reason ?? '', 1500)}`,
        button('stop', ref, 'Retry'),
      );
    case 'resizing':
    case 'resized':
    case 'not-resized':
      // a Resize keeps its record under a key of its own (resizeKey): a finding's never says so
      return buttons(ref, allows);
  }
}

function findingSection(f: Finding): Block {
  const waste = f.monthlyWaste === null ? 'price not in the catalog' : `*${money(f.monthlyWaste)} a month*`;
  const owner = f.tags?.owner ?? f.tags?.team;
  const head = `*${f.name}*${placeOf(f)} · ${f.count} × ${f.instanceType} · ${waste} · ${f.confidence} confidence${owner ? ` · owner ${owner}` : ''}`;
  return { type: 'section', text: mrkdwn(clip(`${head}\n${f.evidence}${offersStop(f) ? '' : `\n_Stop: ${f.stopEffect}_`}`, 3000)) };
}

/** A Slack link to a message of a channel (the archives URL redirects into the workspace). */
export const messageLink = (channel: string, ts: string, label: string) =>
  `<https://slack.com/archives/${channel}/p${ts.replace('.', '')}|${label}>`;

/** Findings shown in earlier messages and still idle: counted here, kept up to date there. */
export interface EarlierFindings {
  findings: Finding[];
  links: string[];
}

/** Recommendations shown in the scan's message; /finops rightsize lists them all. */
const MAX_RIGHTSIZING_SHOWN = 5;

/** The scan's rightsizing section: each endpoint or machine that could be smaller, from what to what, the saving and its Resize button. */
function rightsizingBlocks(recommendations: Recommendation[], allows: KindAllows): Block[] {
  if (!recommendations.length) return [];
  const saving = recommendations.reduce((sum, r) => sum + r.monthlySaving, 0);
  const more = recommendations.length > MAX_RIGHTSIZING_SHOWN;
  return [
    { type: 'section', text: mrkdwn(`*Rightsizing: ${money(saving)} a month to save*`) },
    ...recommendationBlocks(
      recommendations.slice(0, MAX_RIGHTSIZING_SHOWN),
      (action) => allows({ kind: 'sagemaker-endpoint' }, action),
      MAX_RIGHTSIZING_SHOWN,
    ),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${more ? `…and ${recommendations.length - MAX_RIGHTSIZING_SHOWN} more. ` : ''}\`/finops rightsize\` shows ${more ? 'all of them with ' : ''}the evidence and what a resize changes.`,
        ),
      ],
    },
  ];
}

/**
 * The scan as a message: the plan's summary and figures, then each finding with its control block,
 * then the rightsizing and the notes. Beyond MAX_FINDINGS_SHOWN the findings are counted, with the
 * command that lists them.
 */
export function scanMessage(report: ScanReport, allows: KindAllows, earlier?: EarlierFindings): SlackMessage {
  const base = planBlocks({ ...report.plan, tables: [] });
  // the findings go after the summary and its figure fields
  const head = 1 + Math.ceil(report.plan.rows.length / MAX_FIELDS);
  // kinds in order of what they waste, each kind's findings by waste (as they come)
  const wasteOf = (kind: string) => report.findings.filter((f) => f.kind === kind).reduce((s, f) => s + (f.monthlyWaste ?? 0), 0);
  const kinds = [...new Set(report.findings.map((f) => f.kind))].sort((a, b) => wasteOf(b) - wasteOf(a));
  const grouped = kinds.flatMap((k) => report.findings.filter((f) => f.kind === k));
  const shown = grouped.slice(0, MAX_FINDINGS_SHOWN);
  const findingBlocks: Block[] = [];
  let kind: string | undefined;
  for (const f of shown) {
    if (f.kind !== kind) {
      kind = f.kind;
      findingBlocks.push({ type: 'section', text: mrkdwn(`*${KIND_TITLES[f.kind]}: ${money(wasteOf(f.kind))} a month*`) });
    }
    const ref = findingRef(f);
    findingBlocks.push(
      findingSection(f),
      controlBlock(ref, (action) => allows(ref, action)),
    );
  }
  if (earlier?.findings.length) {
    const n = earlier.findings.length;
    const waste = earlier.findings.reduce((s, f) => s + (f.monthlyWaste ?? 0), 0);
    findingBlocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `${n} finding${n > 1 ? 's' : ''} reported earlier ${n > 1 ? 'are' : 'is'} still idle (${money(waste)} a month), with ${n > 1 ? 'their' : 'its'} buttons in ${earlier.links.join(', ')}`,
        ),
      ],
    });
  }
  const rest = grouped.slice(MAX_FINDINGS_SHOWN);
  if (rest.length) {
    const waste = rest.reduce((s, f) => s + (f.monthlyWaste ?? 0), 0);
    findingBlocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `…and ${rest.length} more finding${rest.length > 1 ? 's' : ''} (${money(waste)} a month). \`npx burnrate scan --dry-run\` lists them all.`,
        ),
      ],
    });
  }
  return {
    text: base.text,
    blocks: [...base.blocks.slice(0, head), ...findingBlocks, ...rightsizingBlocks(report.rightsizing, allows), ...base.blocks.slice(head)],
  };
}

/** The resources a message's control blocks are about. */
export const resourcesIn = (blocks: Block[]): string[] => [
  ...new Set(blocks.map((b) => resourceOfBlock(b.block_id)).filter((r): r is string => r !== undefined)),
];

/** The message's blocks with every control block rendered again from the state store's status of its resources. */
export async function rerenderControls(
  blocks: Block[],
  statusOf: (resources: string[]) => Promise<Map<string, ResourceStatus>>,
  allows: KindAllows,
  postedTs?: string,
): Promise<Block[]> {
  return refreshControls(blocks, await statusOf(resourcesIn(blocks)), allows, postedTs);
}

/** Outcomes that left the resource as it was: Stop (or Resize) may be pressed again. */
const SETTLED: ReadonlySet<ActionStatus> = new Set(['restored', 'not-stopped', 'not-resized', 'dry-run']);

/**
 * What the state store says about a resource, as a message posted at `postedTs` (Slack's ts, epoch
 * seconds) shows it: an outcome that left the resource running and idle belongs to the messages
 * before it; a later message offers the buttons, as a fresh scan does.
 */
function asOf(status: ResourceStatus | undefined, postedTs: string | undefined): ResourceStatus | undefined {
  const { action, decision } = status ?? {};
  if (!action || !postedTs || !SETTLED.has(action.status) || action.at >= Number(postedTs) * 1000) return status;
  return decision ? { decision } : undefined;
}

/** The message's blocks with every control block rendered again from the given status. */
export function refreshControls(blocks: Block[], status: Map<string, ResourceStatus>, allows: KindAllows, postedTs?: string): Block[] {
  return blocks.map((block) => {
    const resource = resourceOfBlock(block.block_id);
    if (!resource) return block;
    const known = asOf(status.get(resource), postedTs);
    if (block.block_id!.startsWith(`${RESIZE_CONTROL}|`)) {
      // a Resize record's ref is a ResizeRef: its key says so
      const resizing = known as ResourceStatus<ResizeRef> | undefined;
      const ref = resizing?.action?.ref ?? resizeRefInBlock(block);
      return ref ? resizeControlBlock(ref, (action) => allows(ref, action), resizing) : block;
    }
    const ref = known?.action?.ref ?? known?.decision?.ref ?? refInBlock(block);
    if (!ref) return block;
    return controlBlock({ ...ref, id: refInBlock(block)?.id ?? ref.id }, (action) => allows(ref, action), known);
  });
}

function refInBlock(block: Block): FindingRef | undefined {
  return buttonsIn(block)
    .map((e) => parseFindingRef(e.value))
    .find((ref) => ref !== undefined);
}
