// A data_visualization chart as a PNG, for a workspace that cannot show Slack's native chart. The
// same plot the playground draws, with its title and legend, rendered without a browser by resvg
// (WebAssembly, so it runs on any platform and on Lambda) with a bundled DejaVu Sans, so the
// image is the same wherever it is drawn.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { barChartPlot, CHART, escapeHtml, SERIES_COLORS } from '../local/web/blockKit.ts';
import type { BarChart } from './blockLimits.ts';

/** What the renderer reads at run time; the Lambda build copies them beside the worker's bundle. */
export const CHART_ASSETS = ['@resvg/resvg-wasm/index_bg.wasm', 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'] as const;

const FONT = 'DejaVu Sans';
const TITLE_HEIGHT = 28;
const LEGEND_HEIGHT = 24;
const STYLE = `text { font-family: '${FONT}'; fill: #1d1c1d; }
.bk-grid { stroke: #e2e2e2; }
.bk-tick, .bk-category, .bk-axis, .legend { font-size: 11px; fill: #616061; }
.title { font-size: 14px; font-weight: bold; }`;

let renderer: Promise<{ font: Uint8Array }> | undefined;

function loadRenderer(): Promise<{ font: Uint8Array }> {
  const require = createRequire(import.meta.url);
  const [wasm, font] = CHART_ASSETS.map((asset) => readFileSync(require.resolve(asset)));
  return initWasm(wasm!).then(() => ({ font: font! }));
}

/** The chart as one SVG document: title above the plot, legend below, styles inline. */
export function chartDocument(title: string, chart: BarChart): string {
  // the plot keeps room under its categories for an x-axis label; without one the legend moves up
  const plotBottom = TITLE_HEIGHT + CHART.height - (chart.axis_config?.x_label ? 0 : 28);
  const height = plotBottom + LEGEND_HEIGHT;
  const legend = chart.series
    .map((series, s) => {
      const x = CHART.left + s * 120;
      const y = plotBottom + 12;
      return (
        `<rect x="${x}" y="${y - 9}" width="10" height="10" rx="2" fill="${SERIES_COLORS[s % SERIES_COLORS.length]}"/>` +
        `<text class="legend" x="${x + 14}" y="${y}">${escapeHtml(series.name)}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${height}" viewBox="0 0 ${CHART.width} ${height}">` +
    `<style>${STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text class="title" x="${CHART.left}" y="18">${escapeHtml(title)}</text>` +
    `<svg x="0" y="${TITLE_HEIGHT}" width="${CHART.width}" height="${CHART.height}" viewBox="0 0 ${CHART.width} ${CHART.height}">${barChartPlot(chart)}</svg>` +
    `${legend}</svg>`
  );
}

/** The chart as a PNG at twice its size, sharp on high-density screens. */
export async function chartPng(title: string, chart: BarChart): Promise<Uint8Array> {
  renderer ??= loadRenderer().catch((error: unknown) => {
    renderer = undefined;
    throw error;
  });
  const { font } = await renderer;
  const resvg = new Resvg(chartDocument(title, chart), {
    font: { fontBuffers: [font], defaultFontFamily: FONT, loadSystemFonts: false },
    fitTo: { mode: 'zoom', value: 2 },
  });
  const image = resvg.render();
  try {
    return image.asPng();
  } finally {
    image.free();
    resvg.free();
  }
}
