// Weight formats at the bits per weight they really take on the GPU, and which tensors each
// format leaves unquantized. Sources are cited per entry.

export type PrecisionId =
  | 'fp32'
  | 'fp16'
  | 'bf16'
  | 'fp8'
  | 'int8'
  | 'int4'
  | 'nf4'
  | 'gptq'
  | 'awq'
  | 'mxfp4'
  | 'q8_0'
  | 'q6_k'
  | 'q5_k_m'
  | 'q4_k_m'
  | 'q4_0'
  | 'q3_k_m'
  | 'q2_k';

export interface WeightFormat {
  id: PrecisionId;
  label: string;
  /** bits per weight of the quantized linear layers, scales and zero points included */
  linearBits: number;
  /** bits per weight of the token embedding */
  embeddingBits: number;
  /** bits per weight of an untied output head (lm_head) */
  lmHeadBits: number;
  /** bits per weight of norms, biases and routers: always kept in 16 (or 32) bits */
  otherBits: number;
  /** MoE experts only (gpt-oss ships MXFP4 experts, everything else bf16) */
  expertsOnly?: boolean;
  note: string;
}

const ggufNote = (file: string) =>
  `llama.cpp mix: average bits per weight of the other tensors of its ${file} file; output.weight kept at Q6_K (llama.cpp src/llama-quant.cpp)`;

function gguf(id: PrecisionId, label: string, bits: number, outputBits = 6.5625, file = 'Llama-2-7B'): WeightFormat {
  return { id, label, linearBits: bits, embeddingBits: bits, lmHeadBits: outputBits, otherBits: 32, note: ggufNote(file) };
}

export const WEIGHT_FORMATS: Record<PrecisionId, WeightFormat> = {
  fp32: { id: 'fp32', label: 'FP32', linearBits: 32, embeddingBits: 32, lmHeadBits: 32, otherBits: 32, note: 'full precision' },
  fp16: { id: 'fp16', label: 'FP16', linearBits: 16, embeddingBits: 16, lmHeadBits: 16, otherBits: 16, note: 'half precision' },
  bf16: { id: 'bf16', label: 'BF16', linearBits: 16, embeddingBits: 16, lmHeadBits: 16, otherBits: 16, note: 'bfloat16' },
  fp8: {
    id: 'fp8',
    label: 'FP8',
    linearBits: 8,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: 'FP8 E4M3 linear layers with per-channel scales; embeddings and lm_head stay BF16 (vLLM/compressed-tensors FP8 checkpoints)',
  },
  int8: {
    id: 'int8',
    label: 'INT8',
    linearBits: 8 + 16 / 4096,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: 'bitsandbytes LLM.int8: int8 linear weights with one fp16 scale per row; embeddings and lm_head stay 16-bit',
  },
  int4: {
    id: 'int4',
    label: 'INT4 (w4, group 128)',
    linearBits: 4 + 20 / 128,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: '4-bit weights in groups of 128, each with an fp16 scale and a 4-bit zero point; embeddings and lm_head stay 16-bit',
  },
  gptq: {
    id: 'gptq',
    label: 'GPTQ 4-bit',
    linearBits: 4 + 20 / 128,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: 'GPTQ, 4 bits, group size 128: fp16 scale + packed 4-bit zero per group; embeddings and lm_head stay fp16',
  },
  awq: {
    id: 'awq',
    label: 'AWQ 4-bit',
    linearBits: 4 + 20 / 128,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: 'AWQ, 4 bits, group size 128: fp16 scale + packed 4-bit zero per group; embeddings and lm_head stay fp16',
  },
  nf4: {
    id: 'nf4',
    label: 'NF4',
    linearBits: 4 + 32 / 64,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    note: 'bitsandbytes NF4, blocks of 64 with an fp32 absmax each (transformers default, no double quantization); embeddings and lm_head stay 16-bit',
  },
  mxfp4: {
    id: 'mxfp4',
    label: 'MXFP4 experts',
    linearBits: 4 + 8 / 32,
    embeddingBits: 16,
    lmHeadBits: 16,
    otherBits: 16,
    expertsOnly: true,
    note: 'OCP MXFP4 (4-bit E2M1, one 8-bit scale per 32) for MoE experts; attention, embeddings and lm_head BF16, as gpt-oss ships',
  },
  q8_0: gguf('q8_0', 'GGUF Q8_0', 8.5, 8.5),
  q6_k: gguf('q6_k', 'GGUF Q6_K', 6.5625),
  q5_k_m: gguf('q5_k_m', 'GGUF Q5_K_M', 5.67),
  q4_k_m: gguf('q4_k_m', 'GGUF Q4_K_M', 4.84),
  q4_0: gguf('q4_0', 'GGUF Q4_0', 4.5),
  q3_k_m: gguf('q3_k_m', 'GGUF Q3_K_M', 3.91),
  // Current llama.cpp Q2_K mixes (Q2_K with Q3_K/Q4_K for attn_v and part of ffn_down) average
  // 3.16 bits per weight overall on Llama-3.1-8B: bartowski/Meta-Llama-3.1-8B-Instruct-GGUF's Q2_K
  // is 3.18 GB for 8.03B parameters. Less the 525M-weight output.weight at Q6_K, the rest is 2.93.
  q2_k: gguf('q2_k', 'GGUF Q2_K', 2.93, 6.5625, 'Llama-3.1-8B'),
};

/** NF4 with double quantization (absmax itself 8-bit in blocks of 256), as the QLoRA recipe uses (Dettmers et al. 2023, §3). */
export const NF4_DOUBLE_QUANT_BITS = 4 + 8 / 64 + 32 / (64 * 256);

export type KvPrecisionId = 'fp32' | 'fp16' | 'bf16' | 'fp8' | 'int8' | 'q8_0' | 'q4_0';

export const KV_BYTES: Record<KvPrecisionId, number> = {
  fp32: 4,
  fp16: 2,
  bf16: 2,
  fp8: 1,
  int8: 1,
  q8_0: 8.5 / 8,
  q4_0: 4.5 / 8,
};

export function isPrecisionId(value: string): value is PrecisionId {
  return Object.hasOwn(WEIGHT_FORMATS, value);
}

export function isKvPrecisionId(value: string): value is KvPrecisionId {
  return Object.hasOwn(KV_BYTES, value);
}

/** Number formats a tensor core computes in, as the GPU catalog lists them. */
export const COMPUTE_FORMATS = ['fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'int8', 'fp4'] as const;
export type ComputeFormat = (typeof COMPUTE_FORMATS)[number];

/**
 * The format a weight format's matmuls run in when the GPU has it. The 4-bit group formats (GPTQ,
 * AWQ, NF4, GGUF) are weight-only everywhere: dequantized to 16 bits inside the kernel.
 */
const COMPUTE_OF: Partial<Record<PrecisionId, ComputeFormat>> = {
  fp32: 'fp32',
  fp16: 'fp16',
  bf16: 'bf16',
  fp8: 'fp8',
  int8: 'int8',
  mxfp4: 'fp4',
};

/**
 * What running `precision` on a GPU without that format means, or null when the GPU computes in it
 * (or the format is weight-only anyway). Memory stays as the format says; speed does not.
 */
export function computeFormatNote(precision: PrecisionId, native: readonly ComputeFormat[]): string | null {
  const wanted = COMPUTE_OF[precision];
  if (!wanted || wanted === 'fp32' || native.includes(wanted)) return null;
  if (wanted === 'bf16')
    return 'no BF16 tensor cores: the model runs converted to FP16, same memory (as vLLM does before compute capability 8.0)';
  const label = WEIGHT_FORMATS[precision].label;
  const compute = native.includes('bf16') ? 'BF16' : 'FP16';
  return (
    `no ${wanted.toUpperCase()} tensor cores: ${label} weights run weight-only, stored as ${label} and dequantized to ${compute} ` +
    `in each matmul (as vLLM's Marlin kernels do), so the memory is ${label}'s and the speed ${compute}'s`
  );
}

/** bytes per element of activations for a given weight format when running it */
export function computeBytes(precision: PrecisionId): number {
  return precision === 'fp32' ? 4 : 2;
}
