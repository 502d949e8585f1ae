// The local playground in a real browser: `npm start`'s local mode (the same Bolt app, the demo
// cloud, SQLite, the Slack stand-in) driven through Debian's Chromium by playwright-core. Each step
// leaves a screenshot under test-output/playground/.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../src/runtime/server.ts';
import { freePort } from './support/freePort.ts';

const CHROMIUM = process.env.BURNRATE_CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', 'test-output', 'playground');
const APPROVER = 'U0APPROVER';
const ENGINEER = 'U0ENGINEER';

let stop: (() => Promise<void>) | undefined;
let browser: Browser;
let page: Page;
const stdout: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  const env = {
    PORT: String(port),
    BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-playground-')), 'state.sqlite'),
    PATH: process.env.PATH ?? '',
  };
  const started = await startBot(
    env,
    (line) => stdout.push(line),
    (line) => stdout.push(line),
  );
  if (typeof started === 'number') throw new Error(`local mode did not start: exit ${started}: ${stdout.join('\n')}`);
  stop = started;
  // the flags keep Chromium off the network: no component updates, no sync, no QUIC probes
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`http://localhost:${port}/`);
  await page.waitForSelector('body[data-ready=true]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stop?.();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

async function becomes(user: string): Promise<void> {
  await page.selectOption('#who', user);
  // the channel is drawn again as this user sees it
  await page.waitForSelector(`body[data-user="${user}"]`);
}

/** The control block of a finding in the newest message that shows it. */
const controls = (resource: string) => page.locator(`.message .bk-block[data-block-id*="${resource}"]`).last();
const newest = () => page.locator('.message').last();

describe('the playground in Chromium', () => {
  it('prints its URL and serves the page from the same process', () => {
    expect(stdout.join('\n')).toMatch(/burnrate playground: http:\/\/localhost:\d+/);
  });

  it('answers /gpu-memory 70b fp16 typed in the composer, with completion from the command registry', async () => {
    await becomes(ENGINEER);
    await page.click('#composer-input');
    await page.keyboard.type('/gpu-m');
    await expect.poll(() => page.locator('#completions li').allTextContents()).toEqual([expect.stringContaining('/gpu-memory')]);
    await page.keyboard.press('Tab');
    expect(await page.locator('#composer-input').inputValue()).toBe('/gpu-memory ');
    await page.keyboard.type('70b fp16');
    await page.keyboard.press('Enter');
    const answer = newest();
    await expect.poll(() => answer.textContent()).toContain('144 GB');
    expect(await answer.textContent()).toContain('Only visible to you');
    expect(await answer.locator('button', { hasText: 'Share in channel' }).count()).toBe(1);
    await shot('01-gpu-memory');
  });

  it('refuses Stop to someone who is not an approver, and changes nothing', async () => {
    await page.click('#run-scan');
    await expect
      .poll(() => newest().textContent(), { timeout: 15_000 })
      .toContain('Idle GPUs and endpoints: $6,195 a month across 3 findings');
    await shot('02-scan');
    await controls('churn-model-prod').locator('button', { hasText: 'Stop' }).click();
    await expect.poll(() => page.locator('dialog#confirm[open]').textContent()).toContain('Stop churn-model-prod?');
    await page.locator('dialog#confirm button', { hasText: 'Stop it' }).click();
    await expect.poll(() => newest().textContent()).toContain('Only approvers can stop resources');
    expect(await newest().textContent()).toContain('Nothing was changed');
    // the finding still offers its buttons
    expect(await controls('churn-model-prod').locator('button').allTextContents()).toEqual(['Stop', 'Snooze 7d', 'Keep']);
    await shot('03-stop-denied');
  });

  it('stops for an approver after the confirm dialog, and the next scan no longer finds the endpoint', async () => {
    await becomes(APPROVER);
    // the refusal was for the engineer's eyes only
    expect(await page.locator('.message', { hasText: 'Only approvers can stop resources' }).count()).toBe(0);
    await controls('churn-model-prod').locator('button', { hasText: 'Stop' }).click();
    const dialog = page.locator('dialog#confirm[open]');
    await expect.poll(() => dialog.textContent()).toContain('saves ~$1,028/month');
    await shot('04-confirm');
    await dialog.locator('button', { hasText: 'Stop it' }).click();
    await expect.poll(() => controls('churn-model-prod').textContent(), { timeout: 15_000 }).toMatch(/Stopped at .* by @ada/);
    expect(await controls('churn-model-prod').locator('button').allTextContents()).toEqual(['Restore']);
    await shot('05-stopped');

    await page.click('#run-scan');
    await expect.poll(() => newest().textContent(), { timeout: 15_000 }).toContain('across 2 findings');
    expect(await newest().textContent()).not.toContain('churn-model-prod');
  });

  it('restores, and the next scan finds the endpoint again', async () => {
    await page
      .locator('.message', { hasText: '3 findings' })
      .locator(`.bk-block[data-block-id*="churn-model-prod"] button`, { hasText: 'Restore' })
      .click();
    await expect
      .poll(
        () => page.locator('.message', { hasText: '3 findings' }).locator('.bk-block[data-block-id*="churn-model-prod"]').textContent(),
        { timeout: 15_000 },
      )
      .toMatch(/Restored at .* by @ada/);
    await shot('06-restored');
    await page.click('#run-scan');
    await expect.poll(() => newest().textContent(), { timeout: 15_000 }).toContain('across 3 findings');
    expect(await controls('churn-model-prod').locator('button').allTextContents()).toEqual(['Stop', 'Snooze 7d', 'Keep']);
  });

  it('asks for a reason in a modal before keeping a resource, and refuses a blank one inline', async () => {
    await controls('research-notebook-gpu').locator('button', { hasText: 'Keep' }).click();
    const modal = page.locator('#modal-layer form.modal');
    await expect.poll(() => modal.textContent()).toContain('Why does it stay?');
    await modal.locator('input.bk-input').fill('  ');
    await modal.locator('button[type=submit]').click();
    await expect.poll(() => modal.locator('.bk-error').textContent()).toContain('at least 3 characters');
    await modal.locator('input.bk-input').fill('warm standby for the EU launch');
    await modal.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#modal-layer form.modal').count()).toBe(0);
    await expect
      .poll(() => controls('research-notebook-gpu').textContent(), { timeout: 15_000 })
      .toContain('Kept by @ada: warm standby for the EU launch');
    // the message was updated from the store: the endpoint restored before it was posted still offers Stop
    expect(await controls('churn-model-prod').locator('button').allTextContents()).toEqual(['Stop', 'Snooze 7d', 'Keep']);
    await shot('07-kept');
  });

  it('runs the weekly digest and draws its chart', async () => {
    await page.click('#run-digest');
    await expect.poll(() => newest().textContent(), { timeout: 15_000 }).toContain('[demo data] Cloud cost');
    const chart = page.locator('.message figure.bk-chart').last();
    expect(await chart.locator('figcaption').textContent()).toMatch(/spend/i);
    // a bar per day of each of the two weeks
    expect(await chart.locator('rect.bk-bar').count()).toBe(14);
    await chart.scrollIntoViewIfNeeded();
    await shot('08-digest-chart');
  });
});
