// Slack's data visualization block is new: a workspace or client that cannot take it answers
// invalid_blocks. Then the message goes again without its charts (its tables carry the same
// figures) and, where it went to a channel, each chart follows in the message's thread as a PNG.
// A file cannot be ephemeral, so a reply only its caller sees gets the tables alone.
import type { WebClient } from '@slack/web-api';
import type { Block, SlackMessage } from './blockLimits.ts';

type ChartBlock = Extract<Block, { type: 'data_visualization' }>;
const isChart = (block: Block): block is ChartBlock => block.type === 'data_visualization';

/** Shares a chart's PNG in the thread of the message just posted. */
export type ShareChartImage = (png: Uint8Array, title: string, threadTs: string) => Promise<void>;

function slackError(error: unknown): string {
  const e = error as { data?: { error?: string } | string; response?: { data?: unknown }; message?: string };
  if (typeof e.data === 'object' && e.data?.error) return e.data.error;
  if (e.response?.data !== undefined) return JSON.stringify(e.response.data);
  return e.message ?? '';
}

export interface ChartFallbackOptions {
  /** where the message goes to a channel: how its charts are shared as images */
  shareImage?: ShareChartImage;
  /** told of a chart image that could not be shared; the message itself was posted */
  onImageError?: (error: unknown, title: string) => void;
}

/**
 * For a message posted to a channel: its charts uploaded into the message's thread (the bot needs
 * files:write), and a chart that cannot be shared logged with the reason.
 */
export function chartsInThread(client: WebClient, channel: string, log: (fields: Record<string, unknown>) => void): ChartFallbackOptions {
  return {
    shareImage: async (png, title, threadTs) => {
      const filename = `${
        title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '') || 'chart'
      }.png`;
      await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file: Buffer.from(png), filename, title, alt_text: title });
    },
    onImageError: (error, title) => {
      const reason = slackError(error);
      log({
        chart: title,
        channel,
        notShared: reason,
        ...(reason.includes('missing_scope') ? { fix: 'add the files:write bot scope and reinstall the app' } : {}),
      });
    },
  };
}

/** Sends the message; `send` answers as chat.postMessage does, whose ts is the thread charts go to. */
export async function sendWithChartFallback(
  send: (message: SlackMessage) => Promise<unknown>,
  message: SlackMessage,
  options: ChartFallbackOptions = {},
): Promise<void> {
  try {
    await send(message);
    return;
  } catch (error) {
    if (!message.blocks.some(isChart) || !slackError(error).includes('invalid_blocks')) throw error;
  }
  const { shareImage, onImageError } = options;
  const charts = message.blocks.filter(isChart);
  const blocks = message.blocks.flatMap((block): Block[] => {
    if (!isChart(block)) return [block];
    return shareImage
      ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `:chart_with_upwards_trend: ${block.title}: in the thread, as an image` }] }]
      : [];
  });
  const sent = await send({ ...message, blocks });
  const ts = (sent as { ts?: string } | undefined)?.ts;
  if (!shareImage || !ts) return;
  // rendered only now: most workspaces take the native chart and never load the renderer
  const { chartPng } = await import('./chartImage.ts');
  for (const chart of charts) {
    try {
      await shareImage(await chartPng(chart.title, chart.chart), chart.title, ts);
    } catch (error) {
      // the message and its tables are posted: failing now would post them again
      onImageError?.(error, chart.title);
    }
  }
}
