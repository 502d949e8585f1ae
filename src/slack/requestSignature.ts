// Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
// v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>"). Bolt rejects only stale
// timestamps; burnrate also rejects ones from the future, so a captured request cannot be
// pre-dated for later replay.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Slack's largest payloads (modal views) stay well under this; anything bigger is refused unread */
export const MAX_BODY_BYTES = 256 * 1024;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function signSlackRequest(signingSecret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  nowMs?: number;
}): SignatureCheck {
  const { signingSecret, timestamp, signature, body } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing x-slack-request-timestamp or x-slack-signature header' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'x-slack-request-timestamp is not a number' };
  const skew = Math.abs(Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: `timestamp is ${skew} s off (limit ${MAX_CLOCK_SKEW_SECONDS} s)` };
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

/** Checks a request as it arrived: its raw body and the two Slack headers, looked up by name. */
export function verifySlackRequest(signingSecret: string, header: (name: string) => string | undefined, body: Buffer): SignatureCheck {
  return verifySlackSignature({
    signingSecret,
    timestamp: header('x-slack-request-timestamp'),
    signature: header('x-slack-signature'),
    body: body.toString('utf8'),
  });
}
