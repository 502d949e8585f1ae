import { finopsJobs, DEFAULT_DIGEST_SETTINGS } from '../src/runtime/finopsJobs.ts';
const m = await finopsJobs(DEFAULT_DIGEST_SETTINGS, {}, () => new Date('2026-11-23T08:00:00Z')).scan();
for (const b of m.blocks) console.log(b.type, b.block_id ?? '', JSON.stringify((b as any).text?.text ?? (b as any).fields?.map((f: any) => f.text) ?? (b as any).elements?.map((e: any) => e.text?.text ?? e.text)));
