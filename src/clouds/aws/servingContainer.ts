// The model a SageMaker serving container loads, read from the environment of its model definition
// (DescribeModel), for the containers people deploy LLMs with:
// - Hugging Face TGI (the HF LLM inference container): its SageMaker entrypoint maps HF_MODEL_ID to
//   MODEL_ID, SM_NUM_GPUS to NUM_SHARD and HF_MODEL_QUANTIZE to QUANTIZE (text-generation-inference,
//   sagemaker-entrypoint.sh); MAX_INPUT_TOKENS (MAX_INPUT_LENGTH before TGI 2.1), MAX_TOTAL_TOKENS,
//   MAX_BATCH_TOTAL_TOKENS and DTYPE are the launcher's own settings (TGI docs, "Launcher arguments").
// - Large Model Inference (DJL Serving): OPTION_MODEL_ID or HF_MODEL_ID, OPTION_TENSOR_PARALLEL_DEGREE
//   (a number or "max"), OPTION_MAX_MODEL_LEN, OPTION_DTYPE, OPTION_QUANTIZE, OPTION_ROLLING_BATCH,
//   OPTION_GPU_MEMORY_UTILIZATION (LMI docs, "Container and Model Configurations").
// - vLLM (the AWS vLLM deep learning container for SageMaker): every SM_VLLM_* variable becomes the
//   vLLM flag of that name (SM_VLLM_MAX_MODEL_LEN=4096 → --max-model-len 4096): SM_VLLM_MODEL,
//   SM_VLLM_TENSOR_PARALLEL_SIZE, SM_VLLM_MAX_MODEL_LEN, SM_VLLM_DTYPE, SM_VLLM_QUANTIZATION.
// A tag burnrate:model=<hf id> [precision] on the endpoint names the model where no variable does.
import { weightFormat as format, servedModel as model, positiveInt } from '../containerSettings.ts';
import type { ServedModel } from '../servingLoad.ts';

/** The tag that names an endpoint's model where its container's settings do not. */
export const MODEL_TAG = 'burnrate:model';

/**
 * The model a container's environment names, with the precision, tensor-parallel degree and context
 * it is configured for; null when no known variable names one. `gpusPerInstance` resolves LMI's
 * OPTION_TENSOR_PARALLEL_DEGREE=max.
 */
export function servedModelFromEnvironment(env: Record<string, string>, gpusPerInstance: number): ServedModel | null {
  if (env.SM_VLLM_MODEL) {
    return model(env.SM_VLLM_MODEL, 'vLLM', {
      precision: format(env.SM_VLLM_QUANTIZATION) ?? format(env.SM_VLLM_DTYPE),
      tensorParallel: positiveInt(env.SM_VLLM_TENSOR_PARALLEL_SIZE),
      contextTokens: positiveInt(env.SM_VLLM_MAX_MODEL_LEN),
    });
  }
  if (env.OPTION_MODEL_ID || Object.keys(env).some((k) => k.startsWith('OPTION_'))) {
    const degree = env.OPTION_TENSOR_PARALLEL_DEGREE?.trim().toLowerCase();
    return model(env.OPTION_MODEL_ID ?? env.HF_MODEL_ID, 'LMI', {
      precision: format(env.OPTION_QUANTIZE) ?? format(env.OPTION_DTYPE),
      tensorParallel: degree === 'max' ? gpusPerInstance : positiveInt(degree),
      contextTokens: positiveInt(env.OPTION_MAX_MODEL_LEN),
    });
  }
  if (env.HF_MODEL_ID) {
    return model(env.HF_MODEL_ID, 'TGI', {
      precision: format(env.HF_MODEL_QUANTIZE) ?? format(env.DTYPE),
      tensorParallel: positiveInt(env.SM_NUM_GPUS),
      contextTokens: positiveInt(env.MAX_TOTAL_TOKENS) ?? positiveInt(env.MAX_INPUT_TOKENS) ?? positiveInt(env.MAX_INPUT_LENGTH),
    });
  }
  return null;
}

/** `burnrate:model=<hf id> [precision]`: the tag's model, or null when it names none. */
export function servedModelFromTag(tags: Record<string, string>): ServedModel | null {
  const [id, precision] = (tags[MODEL_TAG] ?? '').trim().split(/\s+/);
  return model(id, 'tag', { precision: format(precision) ?? precision?.toLowerCase() });
}
