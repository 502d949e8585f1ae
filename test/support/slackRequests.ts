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
