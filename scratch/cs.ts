import { execFileSync, spawnSync } from 'node:child_process';
import { startFakeSqsSsm } from '../test/support/fakeSqsSsm.ts';
const SECRET = '0123456789abcdef0123456789abcdef';
const ssm = await startFakeSqsSsm({ '/burnrate/bench/slack-bot-token': 'xoxb-bench', '/burnrate/bench/slack-signing-secret': SECRET });
const env = { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SSM: ssm.url, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', BURNRATE_STATE_TABLE: 'burnrate-bench', BURNRATE_SSM_PREFIX: '/burnrate/bench', BURNRATE_QUEUE_URL: 'http://127.0.0.1:9/1/q', SLACK_BOT_ID: 'BBENCH0001', SLACK_BOT_USER_ID: 'UBENCH0001', BENCH_SIGNING_SECRET: SECRET, NODE_NO_WARNINGS: '1' };
const r = spawnSync(process.execPath, ['bench/coldstartChild.mjs', 'dist/lambda/slack/index.mjs'], { env, encoding: 'utf8' });
console.log(r.status, r.stdout, r.stderr.slice(-3000));
await ssm.close();
