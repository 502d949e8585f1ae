// What a user sees when something inside burnrate fails: a reference, never a stack trace; the
// same reference in the structured log.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../commands/index.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { answerCommand } from '../src/slack/app.ts';

afterEach(() => vi.restoreAllMocks());

describe('internal failures', () => {
  it('tell the caller a reference and log the same reference with command, user and duration', async () => {
    const logged: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    const brokenCache = {
      fetchModel: async () => {
        throw new Error("EACCES: permission denied, open '/root/.cache/burnrate/x.json'");
      },
    };
    const command = COMMANDS.find((c) => c.name === 'gpu-memory')!;
    const [reply, ...more] = await answerCommand(command, 'acme/llm-7b bf16', { catalogs: bundledCatalogs(), hub: brokenCache }, 'U9');

    expect(more).toHaveLength(0);
    expect(reply!.response_type).toBe('ephemeral');
    const ref = /Something went wrong \(ref ([0-9A-F]{6})\)/.exec(reply!.text)?.[1];
    expect(ref).toBeDefined();
    expect(JSON.stringify(reply)).not.toMatch(/EACCES|at .*\.ts:\d+/);
    const entry = logged.map((line) => JSON.parse(line)).find((e) => e.ref === ref);
    expect(entry).toMatchObject({ level: 'error', command: 'gpu-memory', user: 'U9', error: expect.stringMatching(/EACCES/) });
    expect(typeof entry.ms).toBe('number');
  });
});
