// Block Kit as HTML, for the playground page: the blocks burnrate sends (header, section with text,
// fields and a button, context, divider, actions with buttons and confirm dialogs, the bar chart)
// and those a message may carry (image, table, modal inputs), with Slack's mrkdwn. Pure string
// functions, so they run in the browser and in unit tests alike. A block it does not know is
// shown as such, never dropped.

import type { ConfirmDialog, TextObject } from '../../slack/blockLimits.ts';

export type { ConfirmDialog, TextObject };
export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}
export interface ImageElement {
  type: 'image';
  image_url: string;
  alt_text: string;
}
interface ChartSeries {
  name: string;
  data: { label: string; value: number }[];
}
export interface BarChart {
  type: 'bar';
  series: ChartSeries[];
  axis_config?: { categories?: string[]; x_label?: string; y_label?: string };
}
interface TableCell {
  type: 'raw_text';
  text: string;
}
interface PlainTextInput {
  type: 'plain_text_input';
  action_id: string;
  multiline?: boolean;
  placeholder?: TextObject;
  min_length?: number;
  max_length?: number;
  initial_value?: string;
}

export type KnownBlock = { block_id?: string } & (
  | { type: 'section'; text?: TextObject; fields?: TextObject[]; accessory?: ButtonElement | ImageElement }
  | { type: 'context'; elements: (TextObject | ImageElement)[] }
  | { type: 'header'; text: TextObject }
  | { type: 'divider' }
  | { type: 'image'; image_url: string; alt_text: string; title?: TextObject }
  | { type: 'table'; rows: TableCell[][] }
  | { type: 'actions'; elements: ButtonElement[] }
  | { type: 'data_visualization'; title: string; chart: BarChart }
  | { type: 'input'; label: TextObject; element: PlainTextInput; optional?: boolean; hint?: TextObject }
);

/** What a message may carry: the blocks above, or one the playground does not draw. */
export type AnyBlock = KnownBlock | { type: string; block_id?: string };

export interface RenderOptions {
  /** display names of user ids, for <@U…> mentions */
  people?: Record<string, string>;
  /** a modal's input errors by block_id, from response_action: errors */
  errors?: Record<string, string>;
}

const EMOJI: Record<string, string> = {
  warning: '⚠️',
  hourglass_flowing_sand: '⏳',
  zzz: '💤',
  x: '❌',
  white_check_mark: '✅',
  test_tube: '🧪',
  raised_hand: '✋',
  pushpin: '📌',
  no_entry_sign: '🚫',
  leftwards_arrow_with_hook: '↩️',
  octagonal_sign: '🛑',
  moneybag: '💰',
  chart_with_upwards_trend: '📈',
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Slack escapes &, < and > in message text; they are shown as themselves. */
const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const emoji = (html: string) => html.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);

/** <@U…>, <!subteam^S…>, <#C…>, <!here>, <url|label> and <url>, as HTML. */
function special(inner: string, options: RenderOptions): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="bk-mention">@${escapeHtml(options.people?.[id] ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!subteam^')) return `<span class="bk-mention">@${escapeHtml(label ?? target.slice('!subteam^'.length))}</span>`;
  if (target.startsWith('!')) return `<span class="bk-mention">@${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="bk-mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  if (/^(https?|mailto):/.test(target))
    return `<a href="${escapeHtml(target)}" target="_blank" rel="noopener">${escapeHtml(label ?? target)}</a>`;
  return escapeHtml(`<${inner}>`);
}

/** Bold, italic and strike between word boundaries, as Slack reads them. */
function emphasis(html: string): string {
  const edge = (mark: string) => new RegExp(`(^|[\\s(>\\u0000])\\${mark}([^\\${mark}\\n]+?)\\${mark}(?=$|[\\s).,:;!?<\\u0000])`, 'g');
  return html.replace(edge('*'), '$1<b>$2</b>').replace(edge('_'), '$1<i>$2</i>').replace(edge('~'), '$1<s>$2</s>');
}

/** One run of mrkdwn without code: links and mentions, emphasis, emoji, quotes and line breaks. */
function inline(text: string, options: RenderOptions): string {
  const kept: string[] = [];
  const withPlaceholders = text.replace(/<([^<>\n]+)>/g, (_whole, inner: string) => {
    kept.push(special(unescapeSlack(inner), options));
    return `\u0000${kept.length - 1}\u0000`;
  });
  const html = emphasis(emoji(escapeHtml(unescapeSlack(withPlaceholders))));
  return html
    .replace(/\u0000(\d+)\u0000/g, (_whole, i: string) => kept[Number(i)]!)
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') ? `<span class="bk-quote">${line.slice(5)}</span>` : line))
    .join('<br>');
}

/** Slack's mrkdwn as HTML: ```pre```, `code`, *bold*, _italic_, ~strike~, <links>, mentions, :emoji:. */
export function mrkdwn(text: string, options: RenderOptions = {}): string {
  return text
    .split('```')
    .map((part, i) => {
      if (i % 2 === 1) return `<pre class="bk-pre">${escapeHtml(unescapeSlack(part.replace(/^\n/, '')))}</pre>`;
      return part
        .split('`')
        .map((run, j) => (j % 2 === 1 ? `<code>${escapeHtml(unescapeSlack(run))}</code>` : inline(run, options)))
        .join('');
    })
    .join('');
}

export function textObject(text: TextObject | undefined, options: RenderOptions = {}): string {
  if (!text) return '';
  return text.type === 'mrkdwn' ? mrkdwn(text.text, options) : emoji(escapeHtml(text.text));
}

const attr = (value: string) => escapeHtml(value);

function button(element: ButtonElement, blockId: string): string {
  const style = element.style ? ` bk-button-${element.style}` : '';
  const confirm = element.confirm ? ` data-confirm="${attr(JSON.stringify(element.confirm))}"` : '';
  return `<button type="button" class="bk-button${style}" data-block-id="${attr(blockId)}" data-action-id="${attr(element.action_id)}"${confirm}>${textObject(element.text)}</button>`;
}

function image(element: ImageElement, className: string): string {
  return `<img class="${className}" src="${attr(element.image_url)}" alt="${attr(element.alt_text)}">`;
}

export const CHART = { width: 560, height: 240, left: 56, bottom: 56, top: 16, right: 12 };
export const SERIES_COLORS = ['#1264a3', '#e8912d', '#2bac76', '#cd2553'];

/** A round step for the value axis: 1, 2 or 5 times a power of ten, giving at most five ticks. */
function tickStep(max: number): number {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? power * 10;
}

/**
 * A bar chart's plot (data_visualization) as SVG elements in a CHART-sized box: a group of bars per
 * category, one bar per series, value ticks and axis labels; styled by their bk-* classes.
 */
export function barChartPlot(chart: BarChart): string {
  const categories = chart.axis_config?.categories ?? chart.series[0]?.data.map((d) => d.label) ?? [];
  const values = chart.series.flatMap((s) => s.data.map((d) => d.value));
  const max = Math.max(0, ...values);
  const step = max > 0 ? tickStep(max) : 1;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const group = plotWidth / Math.max(1, categories.length);
  const barWidth = (group * 0.8) / Math.max(1, chart.series.length);
  const y = (value: number) => CHART.top + plotHeight - (value / top) * plotHeight;
  const parts: string[] = [];
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    parts.push(
      `<line class="bk-grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text class="bk-tick" x="${CHART.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick.toLocaleString('en-US')}</text>`,
    );
  }
  chart.series.forEach((series, s) => {
    for (const point of series.data) {
      const c = categories.indexOf(point.label);
      if (c < 0) continue;
      const x = CHART.left + c * group + group * 0.1 + s * barWidth;
      parts.push(
        `<rect class="bk-bar" data-series="${attr(series.name)}" x="${x.toFixed(1)}" y="${y(point.value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(CHART.top + plotHeight - y(point.value)).toFixed(1)}" fill="${SERIES_COLORS[s % SERIES_COLORS.length]}"><title>${escapeHtml(`${series.name}, ${point.label}: ${point.value.toLocaleString('en-US')}`)}</title></rect>`,
      );
    }
  });
  categories.forEach((category, c) => {
    parts.push(
      `<text class="bk-category" x="${(CHART.left + c * group + group / 2).toFixed(1)}" y="${CHART.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(category)}</text>`,
    );
  });
  if (chart.axis_config?.x_label)
    parts.push(
      `<text class="bk-axis" x="${CHART.left + plotWidth / 2}" y="${CHART.height - 20}" text-anchor="middle">${escapeHtml(chart.axis_config.x_label)}</text>`,
    );
  if (chart.axis_config?.y_label)
    parts.push(
      `<text class="bk-axis" transform="translate(14 ${CHART.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.axis_config.y_label)}</text>`,
    );
  return parts.join('');
}

/** A bar chart (data_visualization) as the playground shows it: title, the plot as SVG, and a legend. */
export function barChart(title: string, chart: BarChart): string {
  const legend = chart.series
    .map(
      (series, s) =>
        `<span class="bk-legend-item"><span class="bk-swatch" style="background:${SERIES_COLORS[s % SERIES_COLORS.length]}"></span>${escapeHtml(series.name)}</span>`,
    )
    .join('');
  return (
    `<figure class="bk-chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${attr(title)}">${barChartPlot(chart)}</svg>` +
    `<div class="bk-legend">${legend}</div></figure>`
  );
}

function input(block: Extract<KnownBlock, { type: 'input' }>, blockId: string, options: RenderOptions): string {
  const { element } = block;
  const common =
    `class="bk-input" name="${attr(`${blockId}/${element.action_id}`)}" data-block-id="${attr(blockId)}" data-action-id="${attr(element.action_id)}"` +
    `${element.placeholder ? ` placeholder="${attr(element.placeholder.text)}"` : ''}${element.max_length ? ` maxlength="${element.max_length}"` : ''}`;
  const value = escapeHtml(element.initial_value ?? '');
  const field = element.multiline ? `<textarea ${common}>${value}</textarea>` : `<input type="text" ${common} value="${value}">`;
  const error = options.errors?.[blockId];
  return (
    `<label class="bk-input-label">${textObject(block.label)}${block.optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>${field}` +
    `${block.hint ? `<div class="bk-hint">${textObject(block.hint)}</div>` : ''}${error ? `<div class="bk-error" role="alert">${escapeHtml(error)}</div>` : ''}`
  );
}

/** One block as HTML, wrapped in a div that names its type and block_id. */
export function renderBlock(block: AnyBlock, options: RenderOptions = {}): string {
  const blockId = block.block_id ?? '';
  const wrap = (html: string) => `<div class="bk-block bk-${escapeHtml(block.type)}" data-block-id="${attr(blockId)}">${html}</div>`;
  const b = block as KnownBlock;
  switch (b.type) {
    case 'header':
      return wrap(`<h3>${textObject(b.text, options)}</h3>`);
    case 'section': {
      const text = b.text ? `<div class="bk-text">${textObject(b.text, options)}</div>` : '';
      const fields = b.fields?.length
        ? `<div class="bk-fields">${b.fields.map((f) => `<div class="bk-field">${textObject(f, options)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory
        ? `<div class="bk-accessory">${b.accessory.type === 'button' ? button(b.accessory, blockId) : image(b.accessory, 'bk-thumb')}</div>`
        : '';
      return wrap(`<div class="bk-section-body">${text}${fields}</div>${accessory}`);
    }
    case 'context':
      return wrap(
        b.elements.map((e) => (e.type === 'image' ? image(e, 'bk-context-image') : `<span>${textObject(e, options)}</span>`)).join(''),
      );
    case 'divider':
      return wrap('<hr>');
    case 'image':
      return wrap(
        `${b.title ? `<div class="bk-image-title">${textObject(b.title)}</div>` : ''}${image({ type: 'image', image_url: b.image_url, alt_text: b.alt_text }, 'bk-image-full')}`,
      );
    case 'table':
      return wrap(
        `<table>${b.rows.map((row, r) => `<tr>${row.map((cell) => (r === 0 ? `<th>${escapeHtml(cell.text)}</th>` : `<td>${escapeHtml(cell.text)}</td>`)).join('')}</tr>`).join('')}</table>`,
      );
    case 'actions':
      return wrap(b.elements.map((e) => button(e, blockId)).join(''));
    case 'data_visualization':
      return wrap(barChart(b.title, b.chart));
    case 'input':
      return wrap(input(b, blockId, options));
    default:
      return wrap(`<em>This block (${escapeHtml(block.type)}) is not shown in the playground.</em>`);
  }
}

/** A message's blocks, or its text when it has none (as Slack shows it). */
export function renderMessage(message: { text: string; blocks?: AnyBlock[] }, options: RenderOptions = {}): string {
  if (!message.blocks?.length) return `<div class="bk-block bk-section"><div class="bk-text">${mrkdwn(message.text, options)}</div></div>`;
  return message.blocks.map((block) => renderBlock(block, options)).join('');
}
