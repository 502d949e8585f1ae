// Slack's data visualization block is new: a workspace or client that cannot take it answers
// invalid_blocks. Then the message goes again without its charts; its tables carry the same figures.
import type { SlackMessage } from './blockLimits.ts';

function slackError(error: unknown): string {
  const e = error as { data?: { error?: string } | string; response?: { data?: unknown }; message?: string };
  if (typeof e.data === 'object' && e.data?.error) return e.data.error;
  if (e.response?.data !== undefined) return JSON.stringify(e.response.data);
  return e.message ?? '';
}

export async function sendWithChartFallback(send: (message: SlackMessage) => Promise<unknown>, message: SlackMessage): Promise<void> {
  try {
    await send(message);
  } catch (error) {
    const charts = message.blocks.some((b) => b.type === 'data_visualization');
    if (!charts || !slackError(error).includes('invalid_blocks')) throw error;
    await send({ ...message, blocks: message.blocks.filter((b) => b.type !== 'data_visualization') });
  }
}
