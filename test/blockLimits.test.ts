import { describe, expect, it } from 'vitest';
import { type Block, chunkLines, MAX_BLOCKS, splitMessage } from '../src/slack/blockLimits.ts';

const section = (i: number): Block => ({ type: 'section', text: { type: 'mrkdwn', text: `row ${i}` } });

describe('splitMessage', () => {
  it('leaves a message within the limit as it is', () => {
    const message = { text: 'answer', blocks: [section(1), section(2)] };
    expect(splitMessage(message)).toEqual([message]);
  });

  it('splits 120 blocks into parts of at most 50, in order, numbering the later parts', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => section(i));
    const parts = splitMessage({ text: 'answer', blocks });
    expect(parts.map((p) => p.blocks.length)).toEqual([50, 50, 20]);
    expect(parts.map((p) => p.text)).toEqual(['answer', 'answer (part 2 of 3)', 'answer (part 3 of 3)']);
    expect(parts.flatMap((p) => p.blocks)).toEqual(blocks);
  });

  it('never starts or ends a part with a divider', () => {
    const blocks: Block[] = [
      ...Array.from({ length: MAX_BLOCKS - 1 }, (_, i) => section(i)),
      { type: 'divider' },
      { type: 'divider' },
      section(99),
    ];
    const parts = splitMessage({ text: 'answer', blocks });
    for (const part of parts) {
      expect(part.blocks[0]!.type).not.toBe('divider');
      expect(part.blocks.at(-1)!.type).not.toBe('divider');
      expect(part.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    }
    expect(parts.flatMap((p) => p.blocks).filter((b) => b.type === 'section')).toHaveLength(MAX_BLOCKS);
  });
});

describe('chunkLines', () => {
  it('keeps every chunk within the limit without breaking lines', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(50)}`);
    const chunks = chunkLines(lines, 500);
    expect(chunks.every((c) => c.length <= 500)).toBe(true);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });
});
