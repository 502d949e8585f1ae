// Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks): a message holds at
// most 50 blocks; a section's text at most 3,000 characters; a section at most 10 fields of 2,000.
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_FIELDS = 10;

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}
/** Slack's data visualization block: at most two a message, titles up to 50 characters, category labels up to 20. */
export const MAX_CHART_TITLE = 50;
export const MAX_CHART_LABEL = 20;
export interface BarChart {
  type: 'bar';
  series: { name: string; data: { label: string; value: number }[] }[];
  axis_config: { categories: string[]; x_label?: string; y_label?: string };
}

/** A button's confirm dialog: title up to 100 characters, text up to 300. */
export interface ConfirmDialog {
  title: TextObject;
  text: TextObject;
  confirm: TextObject;
  deny: TextObject;
  style?: 'primary' | 'danger';
}
/** A button: text up to 75 characters, value up to 2,000. */
export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}
/** block_id: up to 255 characters, unique within a message. */
export type Block = { block_id?: string } & (
  | { type: 'section'; text?: TextObject; fields?: TextObject[]; accessory?: ButtonElement }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'header'; text: TextObject }
  | { type: 'actions'; elements: ButtonElement[] }
  | { type: 'data_visualization'; title: string; chart: BarChart }
  | { type: 'divider' }
);

/** The buttons a block holds: an actions block's elements, or a section's accessory. */
export const buttonsIn = (block: Block | undefined): ButtonElement[] =>
  block?.type === 'actions' ? block.elements : block?.type === 'section' && block.accessory ? [block.accessory] : [];

export interface SlackMessage {
  /** plain-text fallback for notifications and screen readers */
  text: string;
  blocks: Block[];
}

/**
 * A message as several that each fit Slack's block limit, in order. Parts after the first say
 * which part they are, and a divider never starts or ends a part.
 */
export function splitMessage(message: SlackMessage, limit = MAX_BLOCKS): SlackMessage[] {
  if (message.blocks.length <= limit) return [message];
  const parts: Block[][] = [];
  let current: Block[] = [];
  for (const block of message.blocks) {
    if (current.length === limit) {
      parts.push(current);
      current = [];
    }
    if (!(block.type === 'divider' && current.length === 0)) current.push(block);
  }
  if (current.length) parts.push(current);
  return parts.map((blocks, i) => {
    while (blocks.at(-1)?.type === 'divider') blocks.pop();
    return { text: i === 0 ? message.text : `${message.text} (part ${i + 1} of ${parts.length})`, blocks };
  });
}

/** Splits lines into chunks that each fit one section, never breaking a line unless it alone is too long. */
/** `text` cut to `limit` characters, an ellipsis in the last one */
export const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

export function chunkLines(lines: string[], limit = MAX_SECTION_TEXT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, limit);
    if (current && current.length + 1 + line.length > limit) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Lines as preformatted sections (```), each within the section limit. */
export function codeSections(lines: string[]): Block[] {
  return chunkLines(lines, MAX_SECTION_TEXT - 6).map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `\`\`\`${text}\`\`\`` },
  }));
}
