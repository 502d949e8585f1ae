// Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks): a message holds at
// most 50 blocks; a section's text at most 3,000 characters; a section at most 10 fields of 2,000.
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_FIELDS = 10;

export interface TextObject { type: 'mrkdwn' | 'plain_text'; text: string }
export type Block =
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'header'; text: TextObject }
  | { type: 'divider' };

/** Splits lines into chunks that each fit one section, never breaking a line unless it alone is too long. */
export function chunkLines(lines: string[], limit = MAX_SECTION_TEXT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.length > limit ? `${raw.slice(0, limit - 1)}…` : raw;
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
  return chunkLines(lines, MAX_SECTION_TEXT - 6).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${text}\`\`\`` } }));
}
