import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands/index.ts';
import { buildManifest, manifestYaml } from '../src/slack/manifest.ts';

describe('Slack app manifest', () => {
  it('is committed as `npm run manifest` generates it', () => {
    const committed = readFileSync(fileURLToPath(new URL('../manifest.yaml', import.meta.url)), 'utf8');
    expect(committed, 'run npm run manifest and commit manifest.yaml').toBe(manifestYaml());
  });

  it('declares every registry command and /finops, the minimal bot scopes, and interactivity', () => {
    const manifest = buildManifest() as {
      features: { slash_commands: { command: string; description: string; usage_hint: string }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { is_enabled: boolean } };
    };
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect(commands).toEqual([...COMMANDS.map((c) => `/${c.name}`), '/finops']);
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'chat:write.public', 'files:write', 'usergroups:read']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const c of manifest.features.slash_commands) {
      expect(c.description.length, c.command).toBeLessThanOrEqual(100);
      expect(c.usage_hint.length, c.command).toBeLessThanOrEqual(100);
    }
  });
});
