// What the calculators know of the Hugging Face Hub, without reaching it: a model's config as the
// Hub client returns it, the error it fails with, and what a repo id looks like.

export interface HubModel {
  repo: string;
  config: unknown;
  /** total parameters from the safetensors index, when the Hub reports it */
  params: number | null;
}

export class HubError extends Error {
  override name = 'HubError';
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function isHubRepoId(text: string): boolean {
  return REPO_ID.test(text);
}
