// The playground's Block Kit renderer: each block type, Slack's mrkdwn, and every block that
// burnrate's own messages carry (a calculator's answer, the weekly digest, the idle scan).
import { describe, expect, it } from 'vitest';
import { findCommand } from '../commands/index.ts';
import { type AnyBlock, barChart, mrkdwn, renderBlock, renderMessage } from '../src/local/web/blockKit.ts';
import { DEFAULT_DIGEST_SETTINGS, finopsJobs } from '../src/runtime/finopsJobs.ts';
import { answerCommand } from '../src/slack/app.ts';
import { offlineContext } from './support/context.ts';

const NOW = new Date('2026-11-18T09:00:00Z');
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const md = (text: string) => ({ type: 'mrkdwn' as const, text });

describe('mrkdwn', () => {
  it('draws bold, italic, strike, code and preformatted text', () => {
    expect(mrkdwn('*Stop* _now_ ~later~ `idle_stop`')).toBe('<b>Stop</b> <i>now</i> <s>later</s> <code>idle_stop</code>');
    expect(mrkdwn('table:\n```a  b\n1  2```')).toBe('table:<br><pre class="bk-pre">a  b\n1  2</pre>');
  });

  it('leaves marks inside words and code alone', () => {
    expect(mrkdwn('nvidia_smi_utilization_gpu and 2*3*4')).toBe('nvidia_smi_utilization_gpu and 2*3*4');
    expect(mrkdwn('`*not bold*`')).toBe('<code>*not bold*</code>');
  });

  it('names mentioned people and groups, and links URLs with their labels', () => {
    const html = mrkdwn('approved by <@U0APPROVER>, ask <!subteam^S01|finops> · <https://slack.com/archives/C1/p1|the earlier report>', {
      people: { U0APPROVER: 'ada' },
    });
    expect(html).toBe(
      'approved by <span class="bk-mention">@ada</span>, ask <span class="bk-mention">@finops</span> · ' +
        '<a href="https://slack.com/archives/C1/p1" target="_blank" rel="noopener">the earlier report</a>',
    );
  });

  it('shows Slack-escaped characters as themselves and never lets text become markup', () => {
    expect(mrkdwn('p50 &lt; 2 ms &amp; <script>alert(1)</script>')).toBe('p50 &lt; 2 ms &amp; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mrkdwn('<javascript:alert(1)|click>')).toBe('&lt;javascript:alert(1)|click&gt;');
  });

  it('turns the emoji burnrate uses into characters, lines into breaks and quotes into quotes', () => {
    expect(mrkdwn(':white_check_mark: Stopped\n:warning: slow\n&gt; quoted')).toBe(
      '✅ Stopped<br>⚠️ slow<br><span class="bk-quote">quoted</span>',
    );
    expect(mrkdwn('at 09:00:00 UTC')).toBe('at 09:00:00 UTC');
  });
});

describe('blocks', () => {
  it('header: plain text in a heading, escaped', () => {
    expect(renderBlock({ type: 'header', text: plain('GPU <memory>') })).toBe(
      '<div class="bk-block bk-header" data-block-id=""><h3>GPU &lt;memory&gt;</h3></div>',
    );
  });

  it('section: mrkdwn text, fields in a grid, and a button accessory', () => {
    const html = renderBlock({
      type: 'section',
      block_id: 'ctl|x',
      text: md('*churn-model-prod* idle'),
      fields: [md('*Window*\n7 days'), md('*Waste*\n$1,028')],
      accessory: { type: 'button', action_id: 'idle_restore', text: plain('Restore'), value: '{}' },
    });
    expect(html).toContain('<div class="bk-text"><b>churn-model-prod</b> idle</div>');
    expect(html).toContain(
      '<div class="bk-fields"><div class="bk-field"><b>Window</b><br>7 days</div><div class="bk-field"><b>Waste</b><br>$1,028</div></div>',
    );
    expect(html).toContain(
      '<div class="bk-accessory"><button type="button" class="bk-button" data-block-id="ctl|x" data-action-id="idle_restore">Restore</button></div>',
    );
  });

  it('context: small mrkdwn and images in a row', () => {
    const html = renderBlock({
      type: 'context',
      elements: [md('waste = $/h × 730 h'), { type: 'image', image_url: 'https://example.com/aws.png', alt_text: 'AWS' }],
    });
    expect(html).toBe(
      '<div class="bk-block bk-context" data-block-id=""><span>waste = $/h × 730 h</span><img class="bk-context-image" src="https://example.com/aws.png" alt="AWS"></div>',
    );
  });

  it('divider and image', () => {
    expect(renderBlock({ type: 'divider' })).toBe('<div class="bk-block bk-divider" data-block-id=""><hr></div>');
    expect(
      renderBlock({ type: 'image', image_url: 'https://example.com/a.png?x=1&y="2"', alt_text: 'daily spend', title: plain('Spend') }),
    ).toBe(
      '<div class="bk-block bk-image" data-block-id=""><div class="bk-image-title">Spend</div><img class="bk-image-full" src="https://example.com/a.png?x=1&amp;y=&quot;2&quot;" alt="daily spend"></div>',
    );
  });

  it('table: the first row as headings', () => {
    const cell = (text: string) => ({ type: 'raw_text' as const, text });
    expect(
      renderBlock({
        type: 'table',
        rows: [
          [cell('Service'), cell('Cost')],
          [cell('SageMaker'), cell('$4,143')],
        ],
      }),
    ).toBe(
      '<div class="bk-block bk-table" data-block-id=""><table><tr><th>Service</th><th>Cost</th></tr><tr><td>SageMaker</td><td>$4,143</td></tr></table></div>',
    );
  });

  it('actions: buttons with their style and confirm dialog, named by block and action', () => {
    const confirm = {
      title: plain('Stop x?'),
      text: md('It saves ~$1,028/month.'),
      confirm: plain('Stop it'),
      deny: plain('Cancel'),
      style: 'danger' as const,
    };
    const html = renderBlock({
      type: 'actions',
      block_id: 'b1',
      elements: [
        { type: 'button', action_id: 'idle_stop', text: plain('Stop'), style: 'danger', confirm },
        { type: 'button', action_id: 'idle_snooze', text: plain('Snooze 7d') },
      ],
    });
    const buttons = [...html.matchAll(/<button[^>]*>[^<]*<\/button>/g)].map((m) => m[0]);
    expect(buttons).toHaveLength(2);
    expect(buttons[0]).toMatch(
      /class="bk-button bk-button-danger" data-block-id="b1" data-action-id="idle_stop" data-confirm="([^"]*)">Stop</,
    );
    const carried = /data-confirm="([^"]*)"/
      .exec(buttons[0]!)![1]!
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(JSON.parse(carried)).toEqual(confirm);
    expect(buttons[1]).toBe('<button type="button" class="bk-button" data-block-id="b1" data-action-id="idle_snooze">Snooze 7d</button>');
  });

  it('data_visualization: one bar per series and category, heights in proportion, with legend and axis labels', () => {
    const svg = barChart('Daily spend', {
      type: 'bar',
      series: [
        {
          name: 'W46',
          data: [
            { label: 'Mon', value: 2000 },
            { label: 'Tue', value: 4000 },
          ],
        },
        {
          name: 'W45',
          data: [
            { label: 'Mon', value: 1000 },
            { label: 'Tue', value: 3000 },
          ],
        },
      ],
      axis_config: { categories: ['Mon', 'Tue'], y_label: 'USD per day' },
    });
    const heights = [...svg.matchAll(/<rect class="bk-bar" data-series="([^"]+)"[^>]* height="([\d.]+)"/g)].map(
      (m) => [m[1], Number(m[2])] as const,
    );
    expect(heights.map(([series]) => series)).toEqual(['W46', 'W46', 'W45', 'W45']);
    expect(heights[1]![1] / heights[0]![1]).toBeCloseTo(2, 5);
    expect(heights[3]![1] / heights[2]![1]).toBeCloseTo(3, 5);
    expect(svg).toContain('<figcaption>Daily spend</figcaption>');
    expect(svg).toContain('>USD per day</text>');
    expect([...svg.matchAll(/class="bk-tick"[^>]*>([\d,]+)</g)].map((m) => m[1])).toEqual(['0', '1,000', '2,000', '3,000', '4,000']);
    expect(svg).toMatch(/<span class="bk-swatch"[^>]*><\/span>W46<\/span>.*<\/span>W45<\/span>/);
  });

  it('input: a text field named by block and action, with its placeholder, limit and error', () => {
    const block: AnyBlock = {
      type: 'input',
      block_id: 'reason',
      label: plain('Why does it stay?'),
      element: { type: 'plain_text_input', action_id: 'reason', max_length: 300, placeholder: plain('e.g. warm standby') },
    };
    const html = renderBlock(block, { errors: { reason: 'Say in a few words why it stays.' } });
    expect(html).toContain(
      '<label class="bk-input-label">Why does it stay?</label><input type="text" class="bk-input" name="reason/reason" data-block-id="reason" data-action-id="reason" placeholder="e.g. warm standby" maxlength="300" value="">',
    );
    expect(html).toContain('<div class="bk-error" role="alert">Say in a few words why it stays.</div>');
    expect(renderBlock(block)).not.toContain('bk-error');
  });

  it('a block it cannot draw is named, not dropped', () => {
    expect(renderBlock({ type: 'rich_text' })).toBe(
      '<div class="bk-block bk-rich_text" data-block-id=""><em>This block (rich_text) is not shown in the playground.</em></div>',
    );
  });

  it('a message without blocks shows its text as mrkdwn', () => {
    expect(renderMessage({ text: 'Only approvers can stop resources; approvers: <@U0APPROVER>.' }, { people: { U0APPROVER: 'ada' } })).toBe(
      '<div class="bk-block bk-section"><div class="bk-text">Only approvers can stop resources; approvers: <span class="bk-mention">@ada</span>.</div></div>',
    );
  });
});

describe("burnrate's own messages", () => {
  const drawnWithout = (blocks: AnyBlock[]) => blocks.filter((b) => renderBlock(b).includes('is not shown in the playground'));

  it("a calculator's answer, the digest with its chart, and the scan with its buttons are drawn whole", async () => {
    const [answer] = await answerCommand(findCommand('gpu-memory')!, '70b fp16', offlineContext(), 'U1');
    const jobs = finopsJobs(DEFAULT_DIGEST_SETTINGS, {}, () => NOW);
    const [digest, scan] = await Promise.all([jobs.digest(), jobs.scan()]);
    const messages = [answer!, digest, scan] as { text: string; blocks: AnyBlock[] }[];
    const types = new Set(messages.flatMap((m) => m.blocks.map((b) => b.type)));
    expect([...types].sort()).toEqual(['actions', 'context', 'data_visualization', 'divider', 'section']);
    for (const message of messages) expect(drawnWithout(message.blocks)).toEqual([]);
    expect(renderMessage(digest as never)).toContain('<figure class="bk-chart">');
    expect(renderMessage(scan as never).match(/data-action-id="idle_stop"/g)).toHaveLength(3);
  });
});
