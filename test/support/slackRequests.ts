// Requests as Slack sends them: form-encoded, signed with v0 HMAC-SHA256.
import { stringify } from 'node:querystring';
import { signSlackRequest } from '../../src/slack/requestSignature.ts';

export const SIGNING_SECRET = 'test-signing-secret';

export function slashCommandBody(command: string, text: string, responseUrl: string): string {
  return stringify({
    token: 'deprecated', team_id: 'T1', team_domain: 'acme', channel_id: 'C1', channel_name: 'ml-platform',
    user_id: 'U1', user_name: 'ada', command, text, api_app_id: 'A1', response_url: responseUrl, trigger_id: '1.2.3',
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
      type: 'block_actions', api_app_id: 'A1', token: 'deprecated', trigger_id: '4.5.6',
      user: { id: userId, username: 'grace', name: 'grace', team_id: 'T1' },
      team: { id: 'T1', domain: 'acme' },
      container: { type: 'message', message_ts: '1700000000.000200', channel_id: 'C1', is_ephemeral: true },
      channel: { id: 'C1', name: 'ml-platform' },
      response_url: responseUrl,
      actions: [{ ...action, block_id: 'b1', type: 'button', text: { type: 'plain_text', text: 'Share in channel' }, action_ts: '1700000001.000300' }],
    }),
  });
}
