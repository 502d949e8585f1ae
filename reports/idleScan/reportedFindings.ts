// Which findings a channel has been shown, and in which message: the daily scan posts a finding
// once and, while it stays idle and undecided, updates that message instead of posting it again.
import { overwrite } from '../../src/actions/actionState.ts';
import type { StateStore } from '../../src/state/stateStore.ts';

/** After this, a finding still idle is posted afresh (and the old message is left as it is). */
export const REPORTED_SECONDS = 7 * 24 * 60 * 60;

export interface Reported {
  ts: string;
  at: number;
}

const key = (channel: string, resource: string) => `reported#${channel}#${resource}`;

export async function reportedIn(state: StateStore, channel: string, resources: string[], nowMs: number): Promise<Map<string, Reported>> {
  const found = await Promise.all(
    resources.map(async (resource) => [resource, (await state.read<Reported>(key(channel, resource), nowMs))?.value] as const),
  );
  return new Map(found.filter((entry): entry is [string, Reported] => entry[1] !== undefined));
}

export async function markReported(state: StateStore, channel: string, resources: string[], ts: string, nowMs: number): Promise<void> {
  for (const resource of resources) await overwrite(state, key(channel, resource), { ts, at: nowMs } satisfies Reported, REPORTED_SECONDS);
}
