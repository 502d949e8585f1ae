// Serving endpoints the rightsizing tests and the scan benchmark share.
import type { FakeEndpoint } from './fakeAws.ts';

/** A Hugging Face TGI container serving Llama-3.1-8B on four GPUs, as its SageMaker model's environment names it. */
export const TGI_LLAMA_8B_ON_FOUR: Record<string, string> = {
  HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
  SM_NUM_GPUS: '4',
  MAX_TOTAL_TOKENS: '4096',
};

const week = (value: number) => Array.from({ length: 168 }, () => value);

/** That model on an ml.g5.12xlarge (four A10Gs) at a tenth of their use, all week: one ml.g5.xlarge serves it. */
export const oversizedChat = (name: string): FakeEndpoint => ({
  name,
  variant: 'AllTraffic',
  instanceType: 'ml.g5.12xlarge',
  count: 1,
  modelEnv: TGI_LLAMA_8B_ON_FOUR,
  invocations: week(300),
  latencyMs: week(1500),
  gpu: week(40),
});
