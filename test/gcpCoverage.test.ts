// Which GCP billing accounts the digest covers, through the real Cloud Billing client (REST)
// against a loopback Cloud Billing API.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudBillingClient } from '@google-cloud/billing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingCoverage, coverageNote, exportedAccount } from '../src/clouds/gcp/gcpCoverage.ts';
import { googleRestOptions } from '../src/clouds/gcp/googleClientOptions.ts';

const TABLE = 'acme-billing.billing_export.gcp_billing_export_v1_012345_6789AB_CDEF01';
const ACCOUNTS = [
  { name: 'billingAccounts/012345-6789AB-CDEF01', displayName: 'Main', open: true, projects: ['ml-prod', 'ml-research', 'platform'] },
  { name: 'billingAccounts/0F0F0F-111111-222222', displayName: 'Research grants', open: true, projects: ['grant-a'] },
  { name: 'billingAccounts/AAAAAA-BBBBBB-CCCCCC', displayName: 'Closed', open: false, projects: [] },
];
const savedEnv = { ...process.env };
let server: Server;
let url = '';
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
    paths.push(`${pathname}${searchParams.get('pageToken') ? `?pageToken=${searchParams.get('pageToken')}` : ''}`);
    const reply = (json: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (pathname === '/v1/billingAccounts') {
      // one account a page, to make the client follow nextPageToken
      const offset = Number(searchParams.get('pageToken') ?? 0);
      const page = ACCOUNTS.slice(offset, offset + 1).map(({ projects: _, ...a }) => ({ ...a, masterBillingAccount: '' }));
      return reply({ billingAccounts: page, nextPageToken: offset + 1 < ACCOUNTS.length ? String(offset + 1) : '' });
    }
    const projects = /^\/v1\/(billingAccounts\/[^/]+)\/projects$/.exec(pathname);
    if (projects) {
      const account = ACCOUNTS.find((a) => a.name === projects[1])!;
      return reply({
        projectBillingInfo: account.projects.map((p) => ({
          name: `projects/${p}/billingInfo`,
          projectId: p,
          billingAccountName: account.name,
          billingEnabled: true,
        })),
        nextPageToken: '',
      });
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 404, message: 'not found', status: 'NOT_FOUND' } }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'burnrate-billing-')), 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-billing',
      private_key_id: 'k1',
      client_email: 'burnrate@acme-billing.iam.gserviceaccount.com',
      client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: `${url}/token`,
    }),
  );
  process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
});
afterAll(async () => {
  process.env = savedEnv;
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

describe('GCP coverage', () => {
  it('lists every open account the bot can see with its projects, and marks the exported one', async () => {
    const client = new CloudBillingClient(googleRestOptions(url) as ConstructorParameters<typeof CloudBillingClient>[0]);
    try {
      const accounts = await billingCoverage(client, TABLE);
      expect(accounts).toEqual([
        { id: '012345-6789AB-CDEF01', name: 'Main', projects: 3, covered: true },
        { id: '0F0F0F-111111-222222', name: 'Research grants', projects: 1, covered: false },
      ]);
      expect(paths).toContain('/v1/billingAccounts?pageToken=2');
      expect(coverageNote(accounts, TABLE)).toBe(
        'GCP coverage: billing account "Main" (3 projects) is in this digest; not covered: "Research grants" (1 project) (no export table configured)',
      );
    } finally {
      await client.close();
    }
  });

  it('says when the exported account is not visible to the bot', () => {
    expect(coverageNote([], TABLE)).toBe('GCP coverage: the bot cannot see billing account 012345-6789AB-CDEF01, whose export it reads');
    expect(exportedAccount(TABLE)).toBe('012345-6789AB-CDEF01');
  });
});
