// Stop, Restore, Snooze and Keep on a finding, whoever presses them and however often: only
// approvers stop and restore; a conditional write in the state store lets exactly one click act;
// a re-check just before acting; a daily cap, dry-run and a second approver for production; every
// step in the audit log. Knows the state store and the clouds, not Slack: `refresh` re-renders
// whatever shows the finding after each change, and the returned text is for the clicker alone.
import { failureDetail } from '../clouds/readFailure.ts';
import { ActionRefused, type CloudCall } from '../clouds/stopper.ts';
import { grouped, utcDay, utcMinute } from '../present/format.ts';
import type { ApprovalSettings } from '../settings/fileSettings.ts';
import type { AuditEntry, StateStore } from '../state/stateStore.ts';
import {
  type ActionRecord,
  actionKey,
  countStop,
  type Decision,
  decisionKey,
  holds,
  overwrite,
  type ResourceStatus,
  resourceStatus,
} from './actionState.ts';
import type { Approvers } from './approvers.ts';
import { type CloudActionSettings, recheck, stopperFor } from './cloudActions.ts';
import { type FindingRef, resourceKey } from './findingRef.ts';

export type IdleAction = 'stop' | 'snooze' | 'keep' | 'restore';

export interface IdleActionContext {
  state: StateStore;
  approvers: Approvers;
  approvals: ApprovalSettings;
  cloud: CloudActionSettings;
  now(): Date;
}

export const SNOOZE_DAYS = 7;
const DAY_MS = 86_400_000;

/** What approvals.actions enables per kind (everything, when a kind is not listed). */
export const actionAllowed =
  (approvals: Pick<ApprovalSettings, 'actions'>) =>
  (ref: Pick<FindingRef, 'kind'>, action: IdleAction): boolean => {
    const allowed = approvals.actions[ref.kind];
    return !allowed || allowed.includes(action);
  };

export const saves = (ref: FindingRef) =>
  ref.monthlyWaste === null ? 'saves an amount the price catalog cannot say' : `saves ~$${grouped(ref.monthlyWaste)}/month`;

function describeBusy(record: ActionRecord): string {
  if (record.status === 'stopping') return `It is already being stopped by <@${record.by}>.`;
  if (record.status === 'restoring') return `It is being restored by <@${record.by}>.`;
  return `It was already stopped at ${utcMinute(record.at)} by <@${record.by}>.`;
}

export class IdleActions {
  constructor(private readonly context: IdleActionContext) {}

  private async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.context.state.appendAudit({ at: this.context.now().getTime(), ...entry });
  }

  private async auditCalls(user: string, resource: string, calls: CloudCall[]): Promise<void> {
    for (const call of calls) await this.audit({ actor: user, event: 'cloud-call', resource, outcome: call.call, detail: { ...call } });
  }

  allows(ref: FindingRef, action: IdleAction): boolean {
    return actionAllowed(this.context.approvals)(ref, action);
  }

  /** Who may act: approvers for Stop and Restore; Snooze and Keep as approvals.snooze_keep says. */
  private async mayAct(user: string, action: IdleAction): Promise<boolean> {
    if ((action === 'snooze' || action === 'keep') && this.context.approvals.snooze_keep === 'anyone') return true;
    return this.context.approvers.includes(user, this.context.now().getTime());
  }

  /** The refusal for a click the user may not make, or undefined when they may; audited either way. */
  async refusal(user: string, ref: FindingRef, action: IdleAction): Promise<string | undefined> {
    await this.audit({ actor: user, event: 'click', resource: resourceKey(ref), outcome: action });
    return this.check(user, ref, action);
  }

  private async check(user: string, ref: FindingRef, action: IdleAction): Promise<string | undefined> {
    const resource = resourceKey(ref);
    if (!this.allows(ref, action)) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `refused: ${action} is not enabled for ${ref.kind} (approvals.actions)`,
      });
      return `${action} is not enabled for this kind of resource (approvals.actions in the config file).`;
    }
    let may: boolean;
    try {
      may = await this.mayAct(user, action);
    } catch (error) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `refused: approvers unreadable (${(error as Error).message})`,
      });
      return `Could not check who the approvers are (${(error as Error).message}). Nothing was changed.`;
    }
    if (!may) {
      await this.audit({ actor: user, event: 'decision', resource, outcome: `refused: not an approver (${action})` });
      const verb = action === 'stop' ? 'stop resources' : action === 'restore' ? 'restore resources' : `${action} findings`;
      return `Only approvers can ${verb}; approvers: ${this.context.approvers.describe()}. Nothing was changed.`;
    }
    return undefined;
  }

  async stop(user: string, ref: FindingRef, refresh: () => Promise<void>): Promise<string | undefined> {
    const refused = await this.refusal(user, ref, 'stop');
    if (refused) return refused;
    const resource = resourceKey(ref);
    const { state } = this.context;
    const key = actionKey(resource);
    const current = await state.read<ActionRecord>(key);
    if (current && holds(current.value, this.context.now().getTime())) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `duplicate: already ${current.value.status} by ${current.value.by}`,
      });
      return describeBusy(current.value);
    }
    if (current?.value.status === 'awaiting-second' && current.value.approvals.includes(user)) {
      return 'You approved this already; a production resource needs a second approver to press Stop.';
    }
    const approvals = current?.value.status === 'awaiting-second' ? [...current.value.approvals, user] : [user];
    let version = current?.version ?? 0;
    const move = async (record: Omit<ActionRecord, 'ref' | 'approvals' | 'at'> & { at?: number }) => {
      const written = await state.write<ActionRecord>(key, { ref, approvals, at: this.context.now().getTime(), ...record }, version);
      if (written) version++;
      return written;
    };
    // the claim: of all the clicks that read this version, one writes; the others are told who acts
    if (!(await move({ status: 'stopping', by: user }))) {
      const winner = (await state.read<ActionRecord>(key))!.value;
      await this.audit({ actor: user, event: 'decision', resource, outcome: `duplicate: already ${winner.status} by ${winner.by}` });
      return winner.status === 'awaiting-second' ? undefined : describeBusy(winner);
    }
    await this.audit({ actor: user, event: 'decision', resource, outcome: 'approved: stopping', detail: { approvals } });
    await refresh();
    const notStopped = async (reason: string) => {
      await move({ status: 'not-stopped', by: user, reason });
      await this.audit({ actor: user, event: 'decision', resource, outcome: `not stopped: ${reason}` });
      await refresh();
      return `Not stopped: ${reason}.`;
    };

    // from here on the claim is held: whatever happens, the record leaves "stopping"
    const calls: CloudCall[] = [];
    try {
      const check = await recheck(ref, this.context.cloud, this.context.now());
      await this.audit({
        actor: user,
        event: 'recheck',
        resource,
        outcome: check.idle ? `still idle: ${check.finding.evidence}` : check.reason,
      });
      if (!check.idle) return await notStopped(check.reason);
      const decision = (await state.read<Decision>(decisionKey(resource)))?.value;
      if (decision) {
        return await notStopped(
          decision.type === 'snooze'
            ? `it is snoozed until ${utcDay(decision.until)} by <@${decision.by}>`
            : `<@${decision.by}> chose to keep it: ${decision.reason}`,
        );
      }
      const [tagKey, tagValue = ''] = this.context.approvals.production_tag.split('=');
      if (check.finding.tags?.[tagKey!] === tagValue && new Set(approvals).size < 2) {
        await move({ status: 'awaiting-second', by: user });
        await this.audit({
          actor: user,
          event: 'decision',
          resource,
          outcome: `production (${this.context.approvals.production_tag}): waiting for a second approver`,
        });
        await refresh();
        return `This resource is tagged ${this.context.approvals.production_tag}: a second approver must press Stop too.`;
      }

      if (this.context.approvals.dry_run) {
        const why = 'approvals.dry_run is on';
        await move({ status: 'dry-run', by: user, reason: why });
        await this.audit({ actor: user, event: 'decision', resource, outcome: `dry run (${why}): would have stopped` });
        await refresh();
        return `Dry run (${why}): Stop would have ${check.finding.stopEffect}; it ${saves(ref)}. Nothing was changed.`;
      }
      const stopper = await stopperFor(ref, this.context.cloud);
      const day = this.context.now().toISOString().slice(0, 10);
      if (!(await countStop(state, day, this.context.approvals.max_stops_per_day))) {
        return await notStopped(
          `today's cap of ${this.context.approvals.max_stops_per_day} stops is reached (approvals.max_stops_per_day)`,
        );
      }

      const saved = await stopper.stop(ref, calls);
      await this.auditCalls(user, resource, calls.splice(0));
      await move({ status: 'stopped', by: user, saved });
      await this.audit({ actor: user, event: 'stopped', resource, outcome: `stopped; ${saves(ref)}`, detail: { saved } });
      await refresh();
      return undefined;
    } catch (error) {
      await this.auditCalls(user, resource, calls);
      if (error instanceof ActionRefused) return notStopped(error.message);
      const reason = failureDetail(error);
      await move({ status: 'failed', by: user, reason });
      await this.audit({ actor: user, event: 'failed', resource, outcome: reason });
      await refresh();
      return `Stop failed: ${reason}. Retry when the cause is fixed.`;
    }
  }

  async restore(user: string, ref: FindingRef, refresh: () => Promise<void>): Promise<string | undefined> {
    const refused = await this.refusal(user, ref, 'restore');
    if (refused) return refused;
    const resource = resourceKey(ref);
    const key = actionKey(resource);
    const current = await this.context.state.read<ActionRecord>(key);
    // a restore that died half-way (no longer held) may be pressed again; it goes on from where it was
    const restorable =
      current?.value.status === 'stopped' || (current?.value.status === 'restoring' && !holds(current.value, this.context.now().getTime()));
    if (!current || !restorable) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `restore refused: status is ${current?.value.status ?? 'none'}`,
      });
      return current?.value.status === 'restoring'
        ? `It is already being restored by <@${current.value.by}>.`
        : 'burnrate has not stopped this resource, so there is nothing to restore.';
    }
    const stoppedRecord = current.value;
    if (
      !(await this.context.state.write<ActionRecord>(
        key,
        { ...stoppedRecord, status: 'restoring', by: user, at: this.context.now().getTime() },
        current.version,
      ))
    ) {
      return 'Someone else acted on it just now; see the message.';
    }
    await this.audit({ actor: user, event: 'decision', resource, outcome: 'approved: restoring' });
    await refresh();
    const calls: CloudCall[] = [];
    let outcome: { record: ActionRecord; reply?: string };
    try {
      const stopper = await stopperFor(ref, this.context.cloud);
      await stopper.restore(ref, stoppedRecord.saved, calls);
      await this.auditCalls(user, resource, calls);
      outcome = { record: { ...stoppedRecord, status: 'restored', by: user, at: this.context.now().getTime() } };
      await this.audit({ actor: user, event: 'restored', resource, outcome: 'restored' });
    } catch (error) {
      await this.auditCalls(user, resource, calls);
      const reason = failureDetail(error);
      // still stopped as far as anyone can act on it: Restore stays on offer
      outcome = { record: { ...stoppedRecord, reason: `restore failed: ${reason}` }, reply: `Restore failed: ${reason}.` };
      await this.audit({ actor: user, event: 'failed', resource, outcome: `restore failed: ${reason}` });
    }
    await this.context.state.write<ActionRecord>(key, outcome.record, current.version + 1);
    await refresh();
    return outcome.reply;
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
    const refused = await this.check(user, ref, 'keep');
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
