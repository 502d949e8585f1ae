// The buttons on idle findings and rightsizing recommendations, wired to Bolt: Stop, Restore and
// Retry, Snooze 7d, Keep (which asks for a one-line reason in a modal), and Resize with its Restore. Each click is acknowledged at once and handed off as a
// long task; the Keep modal opens here, because its trigger_id lasts three seconds.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { parseFindingRef } from '../actions/findingRef.ts';
import type { IdleActions } from '../actions/idleActions.ts';
import { parseResizeRef } from '../actions/resizeRef.ts';
import type { StateStore } from '../state/stateStore.ts';
import type { Block } from './blockLimits.ts';
import { IDLE_ACTIONS } from './findingBlocks.ts';
import type { LongTask, LongWork } from './longTasks.ts';
import { RESIZE_ACTIONS } from './rightsizingBlocks.ts';
import { rememberedMessage, rememberMessage, type ShownMessage } from './shownMessages.ts';

export const KEEP_MODAL = 'idle_keep_reason';
/** How long the clicked message is remembered while the Keep modal is open. */
const STASH_SECONDS = 24 * 60 * 60;

function shownMessage(body: BlockAction): ShownMessage | undefined {
  const message = body.message as { ts?: string; text?: string; blocks?: Block[] } | undefined;
  if (!message?.blocks) return undefined;
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = message.ts ?? body.container?.message_ts;
  return {
    ...(channel ? { channel } : {}),
    ...(ts ? { ts } : {}),
    ephemeral: body.container?.is_ephemeral === true,
    text: message.text ?? 'Idle GPUs and endpoints',
    blocks: message.blocks,
  };
}

export interface IdleActionWiring {
  actions: IdleActions;
  state: StateStore;
  longWork: LongWork;
  log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void;
}

export function registerIdleActionHandlers(app: App, { actions, state, longWork, log }: IdleActionWiring): void {
  /** A button whose click becomes a long task: the ref its value carries, the message it came from, where to answer. */
  const onButton = <Ref>(
    actionId: string,
    parse: (value: string | undefined) => Ref | undefined,
    task: (ref: Ref, click: { user: string; shown?: ShownMessage; responseUrl: string }) => LongTask,
  ) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const ref = parse(action.value);
      if (!ref) {
        log('warn', { action: action.action_id, user: body.user.id, unreadable: true });
        return;
      }
      const shown = shownMessage(body);
      await longWork.start(task(ref, { user: body.user.id, ...(shown ? { shown } : {}), responseUrl: body.response_url }));
    });
  for (const name of ['stop', 'restore', 'snooze'] as const)
    onButton(IDLE_ACTIONS[name], parseFindingRef, (ref, click) => ({ type: 'idle-action', action: name, ref, ...click }));
  for (const name of ['resize', 'restore'] as const)
    onButton(RESIZE_ACTIONS[name], parseResizeRef, (ref, click) => ({ type: 'resize-action', action: name, ref, ...click }));

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
    if (shown?.channel && shown.ts) await rememberMessage(state, { ...shown, channel: shown.channel, ts: shown.ts }, STASH_SECONDS);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: KEEP_MODAL,
        title: { type: 'plain_text', text: 'Keep this resource' },
        submit: { type: 'plain_text', text: 'Keep' },
        close: { type: 'plain_text', text: 'Cancel' },
        private_metadata: JSON.stringify({ ref, channel: shown?.channel, ts: shown?.ts }),
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `*${ref.name}* (${ref.count} × ${ref.instanceType}) will be left out of idle reports from now on.`,
            },
          },
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why does it stay?' },
            element: {
              type: 'plain_text_input',
              action_id: 'reason',
              min_length: 3,
              max_length: 300,
              placeholder: { type: 'plain_text', text: 'e.g. warm standby for the EU launch, until 2027-01' },
            },
          },
        ],
      },
    });
  });

  app.view(KEEP_MODAL, async ({ ack, body, view }) => {
    const reason = (view.state.values.reason?.reason?.value ?? '').trim();
    if (reason.length < 3) {
      await ack({ response_action: 'errors', errors: { reason: 'Say in a few words why it stays (at least 3 characters).' } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || '{}') as { ref?: unknown; channel?: string; ts?: string };
    const ref = parseFindingRef(JSON.stringify(meta.ref));
    if (!ref) return;
    const shown = meta.channel && meta.ts ? await rememberedMessage(state, meta.channel, meta.ts) : undefined;
    await longWork.start({
      type: 'idle-keep',
      user: body.user.id,
      ref,
      reason,
      ...(shown ? { shown } : {}),
      ...(meta.channel ? { channel: meta.channel } : {}),
    });
  });
}
