// A planning calculator's result as a Slack message: the answer first, the figures as fields,
// each table as a code block, then assumptions and the arithmetic.
import type { PlanChart, PlanResult } from '../../commands/planResult.ts';
import { padTable } from '../present/table.ts';
import {
  type Block,
  chunkLines,
  clip,
  codeSections,
  MAX_CHART_LABEL,
  MAX_CHART_TITLE,
  MAX_FIELDS,
  type SlackMessage,
} from './blockLimits.ts';

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

function chartBlock(chart: PlanChart): Block {
  const categories = chart.categories.map((c) => clip(c, MAX_CHART_LABEL));
  return {
    type: 'data_visualization',
    title: clip(chart.title, MAX_CHART_TITLE),
    chart: {
      type: 'bar',
      series: chart.series.map((s) => ({ name: s.name, data: s.values.map((value, i) => ({ label: categories[i]!, value })) })),
      axis_config: {
        categories,
        ...(chart.xLabel ? { x_label: clip(chart.xLabel, MAX_CHART_TITLE) } : {}),
        ...(chart.yLabel ? { y_label: clip(chart.yLabel, MAX_CHART_TITLE) } : {}),
      },
    },
  };
}

export function planBlocks(r: PlanResult): SlackMessage {
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(`*${r.summary}*`) }];
  for (let i = 0; i < r.rows.length; i += MAX_FIELDS) {
    blocks.push({ type: 'section', fields: r.rows.slice(i, i + MAX_FIELDS).map(([k, v]) => mrkdwn(`*${k}*\n${v}`)) });
  }
  if (r.chart) blocks.push(chartBlock(r.chart));
  for (const table of r.tables) {
    blocks.push({ type: 'section', text: mrkdwn(`*${table.title}*`) }, ...codeSections(padTable([table.header, ...table.rows])));
  }
  if (r.assumptions.length) {
    blocks.push(
      ...chunkLines([`*${r.notesTitle ?? 'Assumptions'}*`, ...r.assumptions.map((a) => `• ${a}`)]).map(
        (text): Block => ({ type: 'section', text: mrkdwn(text) }),
      ),
    );
  }
  blocks.push(...chunkLines(r.method.map((m) => `• ${m}`)).map((text): Block => ({ type: 'context', elements: [mrkdwn(text)] })));
  if (r.prices) blocks.push({ type: 'context', elements: [mrkdwn(r.prices)] });
  return { text: r.summary, blocks };
}
