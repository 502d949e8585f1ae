// The one way burnrate changes a cloud resource, whatever the change (Stop on an idle finding,
// Resize on a rightsizing recommendation), and the way back (Restore): only approvers act; a
// conditional write in the state store lets exactly one click act; a re-check just before acting;
// a second approver for production; dry-run; a daily cap; every step in the audit log. Knows the
// state store, not the clouds or Slack: each change brings its re-check and its cloud call, and
// `refresh` re-renders whatever shows the resource after each move.
import { failureDetail } from '../clouds/readFailure.ts';
import type { FindingKind } from '../clouds/resourceKinds.ts';
import { ActionRefused, ChangeUndone, type CloudCall } from '../clouds/stopper.ts';
import { utcMinute } from '../present/format.ts';
import type { ApprovalSettings } from '../settings/fileSettings.ts';
import type { AuditEntry, StateStore } from '../state/stateStore.ts';
import { type ActionRecord, type ActionStatus, actionKey, countToday, holds } from './actionState.ts';
import type { Approvers } from './approvers.ts';

export type ApprovedAction = 'stop' | 'snooze' | 'keep' | 'restore' | 'resize';

/** Whether an action is enabled on a resource of a kind. */
export type KindAllows = (ref: { kind: FindingKind }, action: ApprovedAction) => boolean;

/** What approvals.actions enables per kind (everything, when a kind is not listed). */
export const actionAllowed =
  (approvals: Pick<ApprovalSettings, 'actions'>): KindAllows =>
  (ref, action) => {
    const allowed = approvals.actions[ref.kind];
    return !allowed || allowed.includes(action);
  };

export interface ApprovalContext {
  state: StateStore;
  approvers: Approvers;
  approvals: ApprovalSettings;
  now(): Date;
}

/** How a change is named in the record, the replies and the audit log. */
export interface ChangeWords {
  /** the button: Stop, Resize */
  button: string;
  /** the past participle: stopped, resized */
  past: string;
  acting: ActionStatus;
  done: ActionStatus;
  notDone: ActionStatus;
  /** today's cap: its counter and the setting that sets it */
  cap: { counter: 'stops' | 'resizes'; max: number; setting: string };
}

/** What the re-check found: the change still holds (with what it read), or why not. */
export type Rechecked<Checked> =
  | { ok: true; checked: Checked; tags?: Record<string, string>; evidence: string }
  | { ok: false; reason: string };

/** One change on one resource: the re-check, and the cloud call once everything else said yes. */
export interface Change<Ref, Checked> {
  action: 'stop' | 'resize';
  ref: Ref;
  /** the key of its record in the state store (actionKey) and of its audit entries */
  resource: string;
  words: ChangeWords;
  recheck(): Promise<Rechecked<Checked>>;
  /** a decision taken since that stops the change (a snooze or a keep), after the re-check */
  vetoed?(): Promise<string | undefined>;
  /** what the change would have done, for the dry run's reply */
  wouldHave(checked: Checked): string;
  /** finds what acts (a refusal here counts nothing against the cap), then returns the act itself */
  prepare(checked: Checked): Promise<(calls: CloudCall[]) => Promise<{ saved: unknown; outcome: string }>>;
}

/** The way back from a change: what Restore does with what the change saved. */
export interface Undo<Ref> {
  ref: Ref;
  resource: string;
  words: ChangeWords;
  act(saved: unknown, calls: CloudCall[]): Promise<void>;
}

export class ApprovedChanges {
  constructor(protected readonly context: ApprovalContext) {}

  protected async audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.context.state.appendAudit({ at: this.context.now().getTime(), ...entry });
  }

  protected async auditCalls(user: string, resource: string, calls: CloudCall[]): Promise<void> {
    for (const call of calls) await this.audit({ actor: user, event: 'cloud-call', resource, outcome: call.call, detail: { ...call } });
  }

  /** What approvals.actions enables for the kind of resource (everything, when a kind is not listed). */
  protected allowsKind(kind: FindingKind, action: ApprovedAction): boolean {
    return actionAllowed(this.context.approvals)({ kind }, action);
  }

  /** Who may act: approvers, but for Snooze and Keep where approvals.snooze_keep lets anyone. */
  private async mayAct(user: string, action: ApprovedAction): Promise<boolean> {
    if ((action === 'snooze' || action === 'keep') && this.context.approvals.snooze_keep === 'anyone') return true;
    return this.context.approvers.includes(user, this.context.now().getTime());
  }

  /** The refusal for a click the user may not make, or undefined when they may; the click and the refusal are audited. */
  protected async refusalFor(user: string, kind: FindingKind, resource: string, action: ApprovedAction): Promise<string | undefined> {
    await this.audit({ actor: user, event: 'click', resource, outcome: action });
    return this.checkMay(user, kind, resource, action);
  }

  protected async checkMay(user: string, kind: FindingKind, resource: string, action: ApprovedAction): Promise<string | undefined> {
    if (!this.allowsKind(kind, action)) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `refused: ${action} is not enabled for ${kind} (approvals.actions)`,
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
      const verb =
        { stop: 'stop resources', restore: 'restore resources', resize: 'resize endpoints' }[action as string] ?? `${action} findings`;
      return `Only approvers can ${verb}; approvers: ${this.context.approvers.describe()}. Nothing was changed.`;
    }
    return undefined;
  }

  private describeBusy(record: ActionRecord<unknown>, words: ChangeWords): string {
    if (record.status === words.acting) return `It is already being ${words.past} by <@${record.by}>.`;
    if (record.status === 'restoring') return `It is being restored by <@${record.by}>.`;
    return `It was already ${words.past} at ${utcMinute(record.at)} by <@${record.by}>.`;
  }

  /**
   * Makes the change once, whoever clicks and however often: the claim, the re-check, a second
   * approver for production, the dry run, the day's cap, the cloud call; undefined when the message
   * (re-rendered through `refresh`) says it all, else the reply for the clicker.
   */
  protected async change<Ref, Checked>(
    user: string,
    kind: FindingKind,
    change: Change<Ref, Checked>,
    refresh: () => Promise<void>,
  ): Promise<string | undefined> {
    const { resource, words } = change;
    const refused = await this.refusalFor(user, kind, resource, change.action);
    if (refused) return refused;
    const { state } = this.context;
    const key = actionKey(resource);
    const current = await state.read<ActionRecord<Ref>>(key);
    if (current && holds(current.value, this.context.now().getTime())) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `duplicate: already ${current.value.status} by ${current.value.by}`,
      });
      return this.describeBusy(current.value, words);
    }
    if (current?.value.status === 'awaiting-second' && current.value.approvals.includes(user)) {
      return `You approved this already; a production resource needs a second approver to press ${words.button}.`;
    }
    const approvals = current?.value.status === 'awaiting-second' ? [...current.value.approvals, user] : [user];
    let version = current?.version ?? 0;
    const move = async (record: Omit<ActionRecord<Ref>, 'ref' | 'approvals' | 'at'>) => {
      const written = await state.write<ActionRecord<Ref>>(
        key,
        { ref: change.ref, approvals, at: this.context.now().getTime(), ...record },
        version,
      );
      if (written) version++;
      return written;
    };
    // the claim: of all the clicks that read this version, one writes; the others are told who acts
    if (!(await move({ status: words.acting, by: user }))) {
      const winner = (await state.read<ActionRecord<Ref>>(key))!.value;
      await this.audit({ actor: user, event: 'decision', resource, outcome: `duplicate: already ${winner.status} by ${winner.by}` });
      return winner.status === 'awaiting-second' ? undefined : this.describeBusy(winner, words);
    }
    await this.audit({ actor: user, event: 'decision', resource, outcome: `approved: ${words.acting}`, detail: { approvals } });
    await refresh();
    const notDone = async (reason: string) => {
      await move({ status: words.notDone, by: user, reason });
      await this.audit({ actor: user, event: 'decision', resource, outcome: `not ${words.past}: ${reason}` });
      await refresh();
      return `Not ${words.past}: ${reason}.`;
    };

    // from here on the claim is held: whatever happens, the record leaves its in-flight status
    const calls: CloudCall[] = [];
    try {
      const check = await change.recheck();
      await this.audit({ actor: user, event: 'recheck', resource, outcome: check.ok ? check.evidence : check.reason });
      if (!check.ok) return await notDone(check.reason);
      const vetoed = await change.vetoed?.();
      if (vetoed) return await notDone(vetoed);
      const production = this.context.approvals.production_tag;
      const [tagKey, tagValue = ''] = production.split('=');
      if (check.tags?.[tagKey!] === tagValue && new Set(approvals).size < 2) {
        await move({ status: 'awaiting-second', by: user });
        await this.audit({
          actor: user,
          event: 'decision',
          resource,
          outcome: `production (${production}): waiting for a second approver`,
        });
        await refresh();
        return `This resource is tagged ${production}: a second approver must press ${words.button} too.`;
      }

      if (this.context.approvals.dry_run) {
        const why = 'approvals.dry_run is on';
        await move({ status: 'dry-run', by: user, reason: why });
        await this.audit({ actor: user, event: 'decision', resource, outcome: `dry run (${why}): would have ${words.past}` });
        await refresh();
        return `Dry run (${why}): ${change.wouldHave(check.checked)}. Nothing was changed.`;
      }
      const act = await change.prepare(check.checked);
      const day = this.context.now().toISOString().slice(0, 10);
      if (!(await countToday(state, words.cap.counter, day, words.cap.max))) {
        return await notDone(`today's cap of ${words.cap.max} ${words.cap.counter} is reached (${words.cap.setting})`);
      }

      const { saved, outcome } = await act(calls);
      await this.auditCalls(user, resource, calls.splice(0));
      await move({ status: words.done, by: user, saved });
      await this.audit({ actor: user, event: words.done, resource, outcome, detail: { saved } });
      await refresh();
      return undefined;
    } catch (error) {
      await this.auditCalls(user, resource, calls);
      if (error instanceof ActionRefused) return notDone(error.message);
      const reason = error instanceof ChangeUndone ? error.message : failureDetail(error);
      await move({ status: 'failed', by: user, reason });
      await this.audit({ actor: user, event: 'failed', resource, outcome: reason });
      await refresh();
      return `${words.button} failed: ${reason}. Retry when the cause is fixed.`;
    }
  }

  /** Restore after a change: from the record the change left, once, by an approver. */
  protected async undo<Ref>(user: string, kind: FindingKind, undo: Undo<Ref>, refresh: () => Promise<void>): Promise<string | undefined> {
    const { resource, words } = undo;
    const refused = await this.refusalFor(user, kind, resource, 'restore');
    if (refused) return refused;
    const key = actionKey(resource);
    const current = await this.context.state.read<ActionRecord<Ref>>(key);
    // a restore that died half-way (no longer held) may be pressed again; it goes on from where it was
    const restorable =
      current?.value.status === words.done ||
      (current?.value.status === 'restoring' && !holds(current.value, this.context.now().getTime()));
    if (!current || !restorable) {
      await this.audit({
        actor: user,
        event: 'decision',
        resource,
        outcome: `restore refused: status is ${current?.value.status ?? 'none'}`,
      });
      return current?.value.status === 'restoring'
        ? `It is already being restored by <@${current.value.by}>.`
        : `burnrate has not ${words.past} this resource, so there is nothing to restore.`;
    }
    const changed = current.value.status === 'restoring' ? { ...current.value, status: words.done } : current.value;
    if (
      !(await this.context.state.write<ActionRecord<Ref>>(
        key,
        { ...changed, status: 'restoring', by: user, at: this.context.now().getTime() },
        current.version,
      ))
    ) {
      return 'Someone else acted on it just now; see the message.';
    }
    await this.audit({ actor: user, event: 'decision', resource, outcome: 'approved: restoring' });
    await refresh();
    const calls: CloudCall[] = [];
    let outcome: { record: ActionRecord<Ref>; reply?: string };
    try {
      await undo.act(changed.saved, calls);
      await this.auditCalls(user, resource, calls);
      outcome = { record: { ...changed, status: 'restored', by: user, at: this.context.now().getTime() } };
      await this.audit({ actor: user, event: 'restored', resource, outcome: 'restored' });
    } catch (error) {
      await this.auditCalls(user, resource, calls);
      const reason = error instanceof ChangeUndone ? error.message : failureDetail(error);
      // still changed as far as anyone can act on it: Restore stays on offer
      outcome = { record: { ...changed, reason: `restore failed: ${reason}` }, reply: `Restore failed: ${reason}.` };
      await this.audit({ actor: user, event: 'failed', resource, outcome: `restore failed: ${reason}` });
    }
    await this.context.state.write<ActionRecord<Ref>>(key, outcome.record, current.version + 1);
    await refresh();
    return outcome.reply;
  }
}
