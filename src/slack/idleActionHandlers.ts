// The buttons on idle findings, wired to Bolt: Stop, Restore and Retry, Snooze 7d, and Keep (which
// asks for a one-line reason in a modal). Each click is acknowledged at once; the work runs as
// long work, and the message is re-rendered from the state store after every change: chat.update
// for a channel message (response URLs expire), the response URL for an ephemeral one.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { overwrite } from '../actions/actionState.ts';
import { type FindingRef, parseFindingRef, resourceKey } from '../actions/findingRef.ts';
import { actionAllowed, type IdleActions } from '../actions/idleActions.ts';
import type { ApprovalSettings } from '../runtime/settings.ts';
import type { StateStore } from '../state/stateStore.ts';
import type { LongWork } from './app.ts';
import { log } from './app.ts';
import type { Block } from './blockLimits.ts';
import { controlBlock, IDLE_ACTIONS, refreshControls, resourceOfBlock } from './findingBlocks.ts';

export const KEEP_MODAL = 'idle_keep_reason';
/** Where the clicked message is remembered while the Keep modal is open. */
const STASH_SECONDS = 24 * 60 * 60;

interface ShownMessage { channel?: string; ts?: string; ephemeral: boolean; text: string; blocks: Block[] }

function shownMessage(body: BlockAction): ShownMessage | undefined {
  const message = body.message as { ts?: string; text?: string; blocks?: Block[] } | undefined;
  if (!message?.blocks) return undefined;
  return {
    channel: body.channel?.id ?? body.container?.channel_id, ts: message.ts ?? body.container?.message_ts,
    ephemeral: body.container?.is_ephemeral === true, text: message.text ?? 'Idle GPUs and endpoints', blocks: message.blocks,
  };
}

export interface IdleActionWiring {
  actions: IdleActions;
  approvals: ApprovalSettings;
  state: StateStore;
  longWork: LongWork;
}

export function registerIdleActionHandlers(app: App, wiring: IdleActionWiring): void {
  const { actions, state, longWork } = wiring;
  const allows = actionAllowed(wiring.approvals);
  // updates of one message in this process go one after another, so a late one never overwrites
  // a newer state; each re-renders every control block from the store, so the blocks of the click
  // are a sound base whatever changed since
  const chains = new Map<string, Promise<void>>();

  function refresher(client: WebClient, shown: ShownMessage | undefined, ref: FindingRef, respond: RespondFn): () => Promise<void> {
    return () => {
      if (!shown) {
        // no message to update (Slack sent none): tell the clicker where things stand instead
        return actions.statusOf([resourceKey(ref)]).then(async (status) => {
          const line = controlBlock(ref, (action) => allows(ref, action), status.get(resourceKey(ref)));
          if (line.type === 'section' && line.text) await respond({ response_type: 'ephemeral', replace_original: false, text: line.text.text });
        });
      }
      const id = `${shown.channel}:${shown.ts}`;
      const next = (chains.get(id) ?? Promise.resolve()).then(async () => {
        const resources = [...new Set(shown.blocks.map((b) => resourceOfBlock(b.block_id)).filter((r): r is string => r !== undefined))];
        const updated = refreshControls(shown.blocks, await actions.statusOf(resources), allows);
        if (shown.ephemeral || !shown.channel || !shown.ts) await respond({ replace_original: true, text: shown.text, blocks: updated });
        else await client.chat.update({ channel: shown.channel, ts: shown.ts, text: shown.text, blocks: updated });
      }).catch((error: unknown) => log('error', { update: id, error: (error as Error).message }))
        .finally(() => {
          if (chains.get(id) === next) chains.delete(id);
        });
      chains.set(id, next);
      return next;
    };
  }

  const onButton = (name: 'stop' | 'restore' | 'snooze') => app.action<BlockAction<ButtonAction>>(IDLE_ACTIONS[name], async ({ ack, body, action, client, respond }) => {
    await ack();
    const ref = parseFindingRef(action.value);
    if (!ref) {
      log('warn', { action: action.action_id, user: body.user.id, unreadable: true });
      return;
    }
    const refresh = refresher(client, shownMessage(body), ref, respond);
    longWork.start(action.action_id, async () => {
      const reply = await actions[name](body.user.id, ref, refresh);
      if (reply) await respond({ response_type: 'ephemeral', replace_original: false, text: reply });
    });
  });
  onButton('stop');
  onButton('restore');
  onButton('snooze');

  app.action<BlockAction<ButtonAction>>(IDLE_ACTIONS.keep, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ref = parseFindingRef(action.value);
    if (!ref) return;
    const refused = await actions.refusal(body.user.id, ref, 'keep');
    if (refused) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: refused });
      return;
    }
    const shown = shownMessage(body);
    if (shown?.channel && shown.ts) await overwrite(state, stashKey(shown.channel, shown.ts), shown, STASH_SECONDS);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal', callback_id: KEEP_MODAL, title: { type: 'plain_text', text: 'Keep this resource' },
        submit: { type: 'plain_text', text: 'Keep' }, close: { type: 'plain_text', text: 'Cancel' },
        private_metadata: JSON.stringify({ ref, channel: shown?.channel, ts: shown?.ts }),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${ref.name}* (${ref.count} × ${ref.instanceType}) will be left out of idle reports from now on.` } },
          {
            type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Why does it stay?' },
            element: { type: 'plain_text_input', action_id: 'reason', min_length: 3, max_length: 300, placeholder: { type: 'plain_text', text: 'e.g. warm standby for the EU launch, until 2027-01' } },
          },
        ],
      },
    });
  });

  app.view(KEEP_MODAL, async ({ ack, body, view, client }) => {
    const reason = (view.state.values.reason?.reason?.value ?? '').trim();
    if (reason.length < 3) {
      await ack({ response_action: 'errors', errors: { reason: 'Say in a few words why it stays (at least 3 characters).' } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || '{}') as { ref?: unknown; channel?: string; ts?: string };
    const ref = parseFindingRef(JSON.stringify(meta.ref));
    if (!ref) return;
    const stashed = meta.channel && meta.ts ? (await state.read<ShownMessage>(stashKey(meta.channel, meta.ts)))?.value : undefined;
    const respond: RespondFn = async (message) => {
      await client.chat.postEphemeral({ channel: meta.channel ?? body.user.id, user: body.user.id, text: typeof message === 'string' ? message : message.text ?? '' });
      return {} as never;
    };
    longWork.start(KEEP_MODAL, async () => {
      const reply = await actions.keep(body.user.id, ref, reason, refresher(client, stashed, ref, respond));
      if (reply) await respond({ text: reply });
    });
  });
}

const stashKey = (channel: string, ts: string) => `message#${channel}:${ts}`;
