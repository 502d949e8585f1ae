// Requests as Slack sends them: form-encoded, signed with v0 HMAC-SHA256.
import { stringify } from 'node:querystring';
import { signSlackRequest } from '../../src/slack/requestSignature.ts';

export const SIGNING_SECRET = 'test-signing-secret';

export function slashCommandBody(command: string, text: string, responseUrl: string): string {
  return stringify({
    token: 'deprecated',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C1',
    channel_name: 'ml-platform',
    user_id: 'U1',
    user_name: 'ada',
    command,
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: '1.2.3',
  });
}

export function signedHeaders(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(secret, timestamp, body),
  };
}

/** A button click as Slack sends it: the block_actions JSON form-encoded in `payload`. */
export function blockActionsBody(action: { action_id: string; value?: string }, responseUrl: string, userId = 'U2'): string {
  return stringify({
    payload: JSON.stringify({
      type: 'block_actions',
      api_app_id: 'A1',
      token: 'deprecated',
      trigger_id: '4.5.6',
      user: { id: userId, username: 'grace', name: 'grace', team_id: 'T1' },
      team: { id: 'T1', domain: 'acme' },
      container: { type: 'message', message_ts: '1700000000.000200', channel_id: 'C1', is_ephemeral: true },
      channel: { id: 'C1', name: 'ml-platform' },
      response_url: responseUrl,
      actions: [
        {
          ...action,
          block_id: 'b1',
          type: 'button',
          text: { type: 'plain_text', text: 'Share in channel' },
          action_ts: '1700000001.000300',
        },
      ],
    }),
  });
}

/** A click on a button of a message the bot posted in a channel: Slack sends the message's blocks along. */
export function channelClickBody(
  button: { action_id: string; value?: string },
  message: { ts: string; text: string; blocks: unknown[] },
  responseUrl: string,
  userId: string,
): string {
  return stringify({
    payload: JSON.stringify({
      type: 'block_actions',
      api_app_id: 'A1',
      token: 'deprecated',
      trigger_id: `trigger-${userId}`,
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T1' },
      team: { id: 'T1', domain: 'acme' },
      container: { type: 'message', message_ts: message.ts, channel_id: 'C0SCAN0001', is_ephemeral: false },
      channel: { id: 'C0SCAN0001', name: 'ml-finops' },
      message: { type: 'message', user: 'UBOT', ts: message.ts, text: message.text, blocks: message.blocks },
      response_url: responseUrl,
      actions: [{ ...button, block_id: 'b', type: 'button', action_ts: '1700000001.000300' }],
    }),
  });
}

/** A modal submitted: the view_submission with the values of its inputs. */
export function viewSubmissionBody(
  view: { callback_id: string; private_metadata: string },
  values: Record<string, Record<string, { type: string; value: string }>>,
  userId: string,
): string {
  return stringify({
    payload: JSON.stringify({
      type: 'view_submission',
      api_app_id: 'A1',
      token: 'deprecated',
      trigger_id: `trigger-${userId}`,
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T1' },
      team: { id: 'T1', domain: 'acme' },
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values },
        hash: 'h1',
      },
    }),
  });
}
