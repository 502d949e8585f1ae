// The same signed requests through the Lambda handler, as API Gateway HTTP API (v2) events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIGEST_SETTINGS, finopsJobs } from '../src/runtime/finopsJobs.ts';
import { createLambdaHandler, type SlackLambdaHandler } from '../src/runtime/lambda.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { offlineContext } from './support/context.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { httpApiEvent } from './support/lambdaEvents.ts';
import { blockActionsBody, SIGNING_SECRET, signedHeaders, slashCommandBody } from './support/slackRequests.ts';

let slack: FakeSlack;
let handler: SlackLambdaHandler;

beforeAll(async () => {
  slack = await startFakeSlack();
  handler = createLambdaHandler({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-test',
    slackApiUrl: slack.apiUrl,
    context: offlineContext(),
    jobs: finopsJobs(DEFAULT_DIGEST_SETTINGS, {}),
    state: new SqliteStateStore(':memory:'),
  });
});
afterAll(() => slack.close());

describe('Lambda handler', () => {
  it('answers a slash command in the acknowledgement (base64 body, as API Gateway sends it)', async () => {
    const body = slashCommandBody('/gpu-memory', '70b fp16', `${slack.url}/respond`);
    const response = await handler(httpApiEvent(body, signedHeaders(body), true));
    expect(response.statusCode).toBe(200);
    const json = JSON.parse(response.body);
    expect(json).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^≈ \d+ GB · fits/) });
  });

  it('takes a button click (form-encoded payload) and shares the answer through response_url', async () => {
    const body = slashCommandBody('/gpu-memory', '8b int4', `${slack.url}/respond`);
    const answer = JSON.parse((await handler(httpApiEvent(body, signedHeaders(body)))).body);
    const click = blockActionsBody(answer.blocks.at(-1).elements[0], `${slack.url}/respond/lambda-share`);
    expect((await handler(httpApiEvent(click, signedHeaders(click), true))).statusCode).toBe(200);
    const shared = await slack.waitFor((c) => c.path === '/respond/lambda-share');
    expect(shared.body).toMatchObject({ response_type: 'in_channel', text: answer.text });
  });

  it('rejects bad and stale signatures with 401', async () => {
    const body = slashCommandBody('/gpu-memory', '70b fp16', `${slack.url}/respond`);
    expect((await handler(httpApiEvent(body, signedHeaders(body, undefined, 'wrong')))).statusCode).toBe(401);
    expect((await handler(httpApiEvent(body, signedHeaders(body, Math.floor(Date.now() / 1000) + 600)))).statusCode).toBe(401);
    expect((await handler(httpApiEvent(body, { 'content-type': 'application/x-www-form-urlencoded' }))).statusCode).toBe(401);
  });

  it('rejects an oversized body with 413', async () => {
    const body = slashCommandBody('/gpu-memory', 'x'.repeat(300 * 1024), `${slack.url}/respond`);
    expect((await handler(httpApiEvent(body, signedHeaders(body)))).statusCode).toBe(413);
  });
});
