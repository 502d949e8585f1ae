import { LivePrices, livePriceSettingsFromEnv } from '../src/pricing/livePrices.ts';
process.on('unhandledRejection', (e) => { console.log('UNHANDLED', (e as Error).message, (e as Error).stack?.split('\n').slice(0, 12).join('\n')); });
async function main() {
  const lp = new LivePrices({ ...livePriceSettingsFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent.json', GCP_CLOUDBILLING_ENDPOINT: 'http://127.0.0.1:9' }), cacheDir: '/tmp/brc2', timeoutMs: 3000 });
  try { await lp.gcpGpus('us-central1'); } catch (e) { console.log('caught', (e as Error).message.slice(0, 60)); }
  console.log('closing');
  await lp.close().catch((e) => console.log('close failed', e.message.slice(0, 50)));
  console.log('closed');
}
main();
