// Messages burnrate posted with finding buttons, remembered in the state store so that a later
// update (a Keep submitted from a modal, the next day's scan) can re-render them: chat.update
// needs the whole message, and Slack sends it only with a click.
import { overwrite } from '../actions/actionState.ts';
import type { StateStore } from '../state/stateStore.ts';
import type { Block } from './blockLimits.ts';

/** The message a button was clicked in: updated in place as the action goes on. */
export interface ShownMessage {
  channel?: string;
  ts?: string;
  ephemeral: boolean;
  text: string;
  blocks: Block[];
}

const key = (channel: string, ts: string) => `message#${channel}:${ts}`;

export async function rememberMessage(
  state: StateStore,
  shown: ShownMessage & { channel: string; ts: string },
  ttlSeconds: number,
): Promise<void> {
  await overwrite(state, key(shown.channel, shown.ts), shown, ttlSeconds);
}

export async function rememberedMessage(state: StateStore, channel: string, ts: string): Promise<ShownMessage | undefined> {
  return (await state.read<ShownMessage>(key(channel, ts)))?.value;
}
