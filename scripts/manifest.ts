// npm run manifest: writes manifest.yaml from the command registry.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestYaml } from '../src/slack/manifest.ts';

const path = fileURLToPath(new URL('../manifest.yaml', import.meta.url));
writeFileSync(path, manifestYaml());
console.log(`wrote ${path}`);
