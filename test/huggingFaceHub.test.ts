// A loopback server that answers as the Hub does, reached through HF_ENDPOINT.
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../commands/command.ts';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { HuggingFaceHub, hubSettingsFromEnv } from '../src/hub/huggingFaceHub.ts';

const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 128,
  intermediate_size: 14336,
  vocab_size: 128256,
  tie_word_embeddings: false,
  max_position_embeddings: 131072,
  torch_dtype: 'bfloat16',
};

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

async function hub(handler: (req: IncomingMessage) => { status: number; body?: unknown } | 'hang') {
  const seen: IncomingMessage[] = [];
  server = createServer((req, res) => {
    seen.push(req);
    const answer = handler(req);
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body ?? { error: 'x' }));
  });
  await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', () => ready()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = {
    HF_ENDPOINT: endpoint,
    HF_TOKEN: 'hf_test',
    BURNRATE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'burnrate-hub-')),
    BURNRATE_HUB_TIMEOUT_MS: '300',
  };
  const context = { catalogs: bundledCatalogs(), hub: new HuggingFaceHub(hubSettingsFromEnv(env)) };
  return { seen, context };
}

const ok = (req: IncomingMessage) => {
  if (req.url === '/acme/llama-ft/resolve/main/config.json') return { status: 200, body: CONFIG };
  if (req.url === '/api/models/acme/llama-ft') return { status: 200, body: { id: 'acme/llama-ft', safetensors: { total: 8030261248 } } };
  return { status: 404 };
};

describe('models from the Hugging Face Hub', () => {
  it('sizes a repo the registry does not know from its config.json and parameter count, with the token', async () => {
    const { seen, context } = await hub(ok);
    const r = await computeGpuMemory('acme/llama-ft bf16 ctx=8k', context);
    expect(r.model).toMatchObject({ id: 'acme/llama-ft', params: 8030261248, paramsSource: 'Hugging Face Hub (safetensors)' });
    expect(r.breakdown.kvCache).toBe(2 * 32 * 8 * 128 * 8192 * 2);
    expect(seen.every((req) => req.headers.authorization === 'Bearer hf_test')).toBe(true);
  });

  it('answers the second time from the disk cache', async () => {
    const { seen, context } = await hub(ok);
    await computeGpuMemory('acme/llama-ft', context);
    const requests = seen.length;
    await computeGpuMemory('acme/llama-ft fp8', context);
    expect(seen.length).toBe(requests);
  });

  const rejection = async (context: Parameters<typeof computeGpuMemory>[1], text: string) => {
    try {
      await computeGpuMemory(text, context);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  it('says a missing repo was not found', async () => {
    const { context } = await hub(() => ({ status: 404 }));
    expect(await rejection(context, 'acme/nothing')).toMatch(/acme\/nothing was not found on the Hugging Face Hub/);
  });

  it('says a gated repo needs HF_TOKEN', async () => {
    const { context } = await hub(() => ({ status: 401 }));
    expect(await rejection(context, 'acme/gated')).toMatch(/gated or private .* set HF_TOKEN/);
  });

  it('gives up after the timeout instead of hanging', async () => {
    const { context } = await hub(() => 'hang');
    const started = Date.now();
    expect(await rejection(context, 'acme/slow')).toMatch(/did not answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says what is missing from a config that is not a decoder-only transformer', async () => {
    const { context } = await hub((req) =>
      req.url?.endsWith('config.json') ? { status: 200, body: { model_type: 'bert' } } : { status: 404 },
    );
    expect(await rejection(context, 'acme/encoder')).toMatch(/not a decoder-only transformer .*hidden_size/);
  });
});
