// What the state store remembers about acting on a resource: where its Stop or Resize stands (one
// record per resource and change, moved only by conditional writes) and the snooze or keep decided for it.
import type { StateStore } from '../state/stateStore.ts';
import type { FindingRef } from './findingRef.ts';

export type ActionStatus =
  /** a production resource approved once, waiting for a second approver */
  | 'awaiting-second'
  | 'stopping'
  | 'stopped'
  | 'resizing'
  | 'resized'
  | 'restoring'
  | 'restored'
  /** the re-check, the cap or a decision said no: nothing was changed */
  | 'not-stopped'
  | 'not-resized'
  | 'dry-run'
  | 'failed';

/** What a record is about: an idle finding (Stop) by default, or a rightsizing recommendation (Resize). */
export interface ActionRecord<Ref = FindingRef> {
  ref: Ref;
  status: ActionStatus;
  /** who moved it to this status, when (epoch ms) */
  by: string;
  at: number;
  /** approvers so far, for resources that need two */
  approvals: string[];
  /** why it was not stopped or resized, or what failed */
  reason?: string;
  /** what Restore needs, saved by Stop or Resize */
  saved?: unknown;
}

/**
 * Longer than any Stop, Resize or Restore runs (the worker's 15 minutes): a record still in flight
 * ("stopping", "resizing", "restoring") after this belongs to a run that died, and no longer holds the resource.
 */
export const IN_FLIGHT_MS = 20 * 60 * 1000;

/** Whether the record holds the resource now: stopped or resized, or an action in flight that has not died. */
export function holds(record: Pick<ActionRecord<unknown>, 'status' | 'at'>, nowMs: number): boolean {
  if (record.status === 'stopped' || record.status === 'resized') return true;
  return (
    (record.status === 'stopping' || record.status === 'resizing' || record.status === 'restoring') && nowMs - record.at < IN_FLIGHT_MS
  );
}

/**
 * A resource burnrate stopped that a scan finds running and idle again was started outside
 * burnrate: its record says so, so that Stop is offered again instead of "already stopped".
 */
export async function reconcileStopped(state: StateStore, resources: string[], nowMs: number): Promise<string[]> {
  const reopened: string[] = [];
  for (const resource of resources) {
    const current = await state.read<ActionRecord>(actionKey(resource), nowMs);
    if (current?.value.status !== 'stopped') continue;
    const record: ActionRecord = {
      ...current.value,
      status: 'restored',
      by: 'scan',
      at: nowMs,
      reason: 'running again: started outside burnrate',
    };
    if (await state.write(actionKey(resource), record, current.version, { nowMs })) {
      await state.appendAudit({
        at: nowMs,
        actor: 'scan',
        event: 'reconcile',
        resource,
        outcome: 'found running again after burnrate stopped it: marked restored',
      });
      reopened.push(resource);
    }
  }
  return reopened;
}

export type Decision =
  | { type: 'snooze'; ref: FindingRef; by: string; at: number; until: number }
  | { type: 'keep'; ref: FindingRef; by: string; at: number; reason: string };

export const actionKey = (resource: string) => `action#${resource}`;
export const decisionKey = (resource: string) => `decision#${resource}`;

export interface ResourceStatus<Ref = FindingRef> {
  action?: ActionRecord<Ref>;
  decision?: Decision;
}

/** What the state store says about each resource: its action record and its decision. */
export async function resourceStatus<Ref = FindingRef>(state: StateStore, resources: string[]): Promise<Map<string, ResourceStatus<Ref>>> {
  const entries = await Promise.all(
    resources.map(async (resource) => {
      const [action, decision] = await Promise.all([
        state.read<ActionRecord<Ref>>(actionKey(resource)),
        state.read<Decision>(decisionKey(resource)),
      ]);
      return [resource, { ...(action ? { action: action.value } : {}), ...(decision ? { decision: decision.value } : {}) }] as const;
    }),
  );
  return new Map(entries);
}

export async function decisionsByResource(state: StateStore, nowMs = Date.now()): Promise<Map<string, Decision>> {
  const listed = await state.list<Decision>('decision#', nowMs);
  return new Map(listed.map(({ key, record }) => [key.slice('decision#'.length), record.value]));
}

/** Writes `value` over whatever is under `key`, still atomically against a concurrent writer. */
export async function overwrite<T>(state: StateStore, key: string, value: T, ttlSeconds?: number): Promise<void> {
  for (;;) {
    const current = await state.read<T>(key);
    if (await state.write(key, value, current?.version ?? 0, ttlSeconds === undefined ? {} : { ttlSeconds })) return;
  }
}

/**
 * Counts one change (`stops`, `resizes`) against the day's cap; false when the cap is reached. A
 * conditional write, so two runtimes at once cannot both take the last slot.
 */
export async function countToday(state: StateStore, counter: 'stops' | 'resizes', day: string, cap: number): Promise<boolean> {
  const key = `${counter}#${day}`;
  for (;;) {
    const current = await state.read<number>(key);
    const count = current?.value ?? 0;
    if (count >= cap) return false;
    if (await state.write(key, count + 1, current?.version ?? 0, { ttlSeconds: 3 * 86_400 })) return true;
  }
}
