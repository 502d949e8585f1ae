// /gpu-memory as a Slack message: the answer in one line first, then breakdown, fit table,
// assumptions and method.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import { breakdownRows, computeNoteLines, FIT_HEADER, fitRows, headerLine, priceFootnote } from '../present/gpuMemoryView.ts';
import { padTable } from '../present/table.ts';
import { type Block, chunkLines, codeSections, MAX_FIELDS, type SlackMessage } from './blockLimits.ts';

export function gpuMemoryBlocks(r: GpuMemoryResult): SlackMessage {
  const fields = breakdownRows(r)
    .slice(0, MAX_FIELDS)
    .map(([k, v]) => ({ type: 'mrkdwn' as const, text: `*${k}*\n${v}` }));
  const fitting = r.fits.filter((f) => f.count !== null);
  // Slack wraps wide code blocks: GPU, need, per GPU, headroom here; every cloud's instance follows per GPU
  const rows = fitRows(r).filter((_, i) => r.fits[i]!.count !== null);
  const table = padTable([[...FIT_HEADER].slice(0, 4), ...rows.map((row) => row.slice(0, 4))]);
  const offers = rows.map(
    (row) =>
      `*${row[0]}*: ${
        FIT_HEADER.slice(4)
          .map((cloud, c) => `${cloud} ${row[4 + c]}`)
          .filter((cell) => !cell.endsWith('—'))
          .join(' · ') || 'no listed instance'
      }`,
  );
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${r.summary}*` } },
    ...r.warnings.map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: headerLine(r) }] },
    { type: 'section', fields },
    { type: 'divider' },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: fitting.length ? '*Fits on*' : '*Does not fit on up to 64 of any GPU in the catalog*' },
    },
    ...(fitting.length ? codeSections(table) : []),
    ...chunkLines(offers).map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...chunkLines(computeNoteLines(r)).map((text): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] })),
    ...chunkLines(['*Assumptions*', ...r.assumptions.map((a) => `• ${a}`)]).map(
      (text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } }),
    ),
    ...chunkLines(r.method.map((m) => `• ${m}`)).map((text): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: priceFootnote(r) }] },
  ];
  return { text: r.summary, blocks };
}
