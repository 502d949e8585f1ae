// Model configs from the Hugging Face Hub, for repos the registry does not know.
// Endpoint, token and cache follow huggingface_hub's settings (HF_ENDPOINT, HF_TOKEN).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheDirFromEnv } from '../cache/cacheDir.ts';
import { HubError, type HubModel } from './hubModel.ts';

export interface HubSettings {
  endpoint: string;
  token: string | undefined;
  timeoutMs: number;
  cacheDir: string;
}

export function hubSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const timeout = Number(env.BURNRATE_HUB_TIMEOUT_MS ?? 5000);
  return {
    endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: env.HF_TOKEN || undefined,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 5000,
    cacheDir: cacheDirFromEnv(env),
  };
}

export class HuggingFaceHub {
  constructor(private readonly settings: HubSettings) {}

  private cachePath(repo: string): string {
    return join(this.settings.cacheDir, 'hub', `${repo.replace('/', '--')}.json`);
  }

  private async get(url: string, repo: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new HubError(
        timedOut
          ? `the Hugging Face Hub did not answer within ${this.settings.timeoutMs / 1000} s for ${repo}; use a preset or a bare size (e.g. 8b) instead`
          : `cannot reach the Hugging Face Hub (${this.settings.endpoint}) for ${repo}; offline? Use a preset or a bare size (e.g. 8b) instead`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new HubError(`${repo} is gated or private on the Hugging Face Hub: set HF_TOKEN to a token that has access`);
    }
    if (response.status === 404) throw new HubError(`${repo} was not found on the Hugging Face Hub; check the repo id`);
    if (!response.ok) throw new HubError(`the Hugging Face Hub answered ${response.status} for ${repo}; try again later`);
    try {
      return await response.json();
    } catch {
      throw new HubError(`the Hugging Face Hub sent something other than JSON for ${repo}`);
    }
  }

  async fetchModel(repo: string): Promise<HubModel> {
    const cached = await readFile(this.cachePath(repo), 'utf8').then(
      (t) => JSON.parse(t) as HubModel,
      () => null,
    );
    if (cached) return cached;
    const base = this.settings.endpoint;
    const [config, info] = await Promise.all([
      this.get(`${base}/${repo}/resolve/main/config.json`, repo),
      this.get(`${base}/api/models/${repo}`, repo).catch((error: unknown) => {
        if (error instanceof HubError && /not found/.test(error.message)) return null;
        throw error;
      }),
    ]);
    const total = (info as { safetensors?: { total?: unknown } } | null)?.safetensors?.total;
    const model: HubModel = { repo, config, params: typeof total === 'number' && total > 0 ? total : null };
    const path = this.cachePath(repo);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(model));
    await rename(partial, path);
    return model;
  }
}
