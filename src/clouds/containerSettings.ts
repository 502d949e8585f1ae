// How serving containers spell what they load: weight formats as their quantization and dtype
// settings name them, counts as the strings their environments and flags hold. Shared by the
// SageMaker (aws/servingContainer.ts) and Vertex AI (gcp/vertexContainer.ts) readers.
import type { ServedModel } from './servingLoad.ts';

/** Quantization and dtype settings as the containers spell them → burnrate's weight formats. */
const FORMATS: Record<string, string> = {
  bitsandbytes: 'int8',
  'bitsandbytes-nf4': 'nf4',
  'bitsandbytes-fp4': 'nf4',
  eetq: 'int8',
  gptq: 'gptq',
  awq: 'awq',
  'awq-marlin': 'awq',
  'gptq-marlin': 'gptq',
  marlin: 'gptq',
  fp8: 'fp8',
  int8: 'int8',
  bfloat16: 'bf16',
  bf16: 'bf16',
  float16: 'fp16',
  fp16: 'fp16',
  half: 'fp16',
  float32: 'fp32',
  fp32: 'fp32',
};

export const weightFormat = (value: string | undefined) => (value ? FORMATS[value.trim().toLowerCase()] : undefined);

export function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** The served model a container's settings name, or null when they name none. */
export function servedModel(
  id: string | undefined,
  from: ServedModel['from'],
  fields: { precision?: string | undefined; tensorParallel?: number | undefined; contextTokens?: number | undefined },
): ServedModel | null {
  if (!id?.trim()) return null;
  return {
    id: id.trim(),
    from,
    ...(fields.precision ? { precision: fields.precision } : {}),
    ...(fields.tensorParallel ? { tensorParallel: fields.tensorParallel } : {}),
    ...(fields.contextTokens ? { contextTokens: fields.contextTokens } : {}),
  };
}
