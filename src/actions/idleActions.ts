// Stop, Restore, Snooze and Keep on an idle finding. Stop and Restore go through the approved
// change (approvedChange.ts: approvers, one click acts, a re-check, production, dry-run, the cap,
// the audit); Snooze and Keep are decisions written over whatever was decided before.
import { grouped, utcDay } from '../present/format.ts';
import type { ApprovalSettings } from '../settings/fileSettings.ts';
import { type Decision, decisionKey, overwrite, type ResourceStatus, resourceStatus } from './actionState.ts';
import { type ApprovalContext, ApprovedChanges, type ChangeWords } from './approvedChange.ts';
import { type CloudActionSettings, recheck, stopperFor } from './cloudActions.ts';
import { type FindingRef, resourceKey } from './findingRef.ts';

export type IdleAction = 'stop' | 'snooze' | 'keep' | 'restore';

export interface IdleActionContext extends ApprovalContext {
  cloud: CloudActionSettings;
}

export const SNOOZE_DAYS = 7;
const DAY_MS = 86_400_000;

export const saves = (ref: FindingRef) =>
  ref.monthlyWaste === null ? 'saves an amount the price catalog cannot say' : `saves ~$${grouped(ref.monthlyWaste)}/month`;

const stopWords = (approvals: ApprovalSettings): ChangeWords => ({
  button: 'Stop',
  past: 'stopped',
  acting: 'stopping',
  done: 'stopped',
  notDone: 'not-stopped',
  cap: { counter: 'stops', max: approvals.max_stops_per_day, setting: 'approvals.max_stops_per_day' },
});

export class IdleActions extends ApprovedChanges {
  constructor(protected override readonly context: IdleActionContext) {
    super(context);
  }

  allows(ref: FindingRef, action: IdleAction): boolean {
    return this.allowsKind(ref.kind, action);
  }

  /** The refusal for a click the user may not make, or undefined when they may; audited either way. */
  refusal(user: string, ref: FindingRef, action: IdleAction): Promise<string | undefined> {
    return this.refusalFor(user, ref.kind, resourceKey(ref), action);
  }

  stop(user: string, ref: FindingRef, refresh: () => Promise<void>): Promise<string | undefined> {
    const resource = resourceKey(ref);
    const { cloud, state } = this.context;
    return this.change(
      user,
      ref.kind,
      {
        action: 'stop',
        ref,
        resource,
        words: stopWords(this.context.approvals),
        recheck: async () => {
          const check = await recheck(ref, cloud, this.context.now());
          return check.idle
            ? {
                ok: true,
                checked: check.finding,
                ...(check.finding.tags ? { tags: check.finding.tags } : {}),
                evidence: `still idle: ${check.finding.evidence}`,
              }
            : { ok: false, reason: check.reason };
        },
        vetoed: async () => {
          const decision = (await state.read<Decision>(decisionKey(resource)))?.value;
          if (!decision) return undefined;
          return decision.type === 'snooze'
            ? `it is snoozed until ${utcDay(decision.until)} by <@${decision.by}>`
            : `<@${decision.by}> chose to keep it: ${decision.reason}`;
        },
        wouldHave: (finding) => `Stop would have ${finding.stopEffect}; it ${saves(ref)}`,
        prepare: async () => {
          const stopper = await stopperFor(ref, cloud);
          return async (calls) => ({ saved: await stopper.stop(ref, calls), outcome: `stopped; ${saves(ref)}` });
        },
      },
      refresh,
    );
  }

  restore(user: string, ref: FindingRef, refresh: () => Promise<void>): Promise<string | undefined> {
    return this.undo(
      user,
      ref.kind,
      {
        ref,
        resource: resourceKey(ref),
        words: stopWords(this.context.approvals),
        act: async (saved, calls) => (await stopperFor(ref, this.context.cloud)).restore(ref, saved, calls),
      },
      refresh,
    );
  }

  async snooze(user: string, ref: FindingRef, refresh: () => Promise<void>): Promise<string | undefined> {
    const refused = await this.refusal(user, ref, 'snooze');
    if (refused) return refused;
    const at = this.context.now().getTime();
    const until = at + SNOOZE_DAYS * DAY_MS;
    await this.decide({ type: 'snooze', ref, by: user, at, until }, SNOOZE_DAYS * 86_400);
    await this.audit({ actor: user, event: 'snooze', resource: resourceKey(ref), outcome: `snoozed until ${utcDay(until)}` });
    await refresh();
    return undefined;
  }

  /** Keep, once the reason is given: the click itself went through refusal() when the modal opened. */
  async keep(user: string, ref: FindingRef, reason: string, refresh: () => Promise<void>): Promise<string | undefined> {
    const refused = await this.checkMay(user, ref.kind, resourceKey(ref), 'keep');
    if (refused) return refused;
    await this.decide({ type: 'keep', ref, by: user, at: this.context.now().getTime(), reason }, undefined);
    await this.audit({ actor: user, event: 'keep', resource: resourceKey(ref), outcome: `kept: ${reason}` });
    await refresh();
    return undefined;
  }

  /** The latest decision wins: written over whatever was there, atomically. */
  private decide(decision: Decision, ttlSeconds: number | undefined): Promise<void> {
    return overwrite(this.context.state, decisionKey(resourceKey(decision.ref)), decision, ttlSeconds);
  }

  statusOf(resources: string[]): Promise<Map<string, ResourceStatus>> {
    return resourceStatus(this.context.state, resources);
  }
}
