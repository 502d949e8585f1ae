// Hugging Face config.json -> Architecture. Used for the bundled registry and for configs fetched
// from the Hub, so both read the same keys the same way.
import * as z from 'zod/mini';
import type { Architecture } from '../calc/architecture.ts';

const positive = z.int().check(z.positive());

export const hfConfigSchema = z.object({
  model_type: z.optional(z.string()),
  hidden_size: positive,
  num_hidden_layers: positive,
  num_attention_heads: positive,
  num_key_value_heads: z.nullish(positive),
  head_dim: z.nullish(positive),
  intermediate_size: positive,
  intermediate_size_mlp: z.optional(positive),
  vocab_size: positive,
  tie_word_embeddings: z.optional(z.boolean()),
  attention_bias: z.optional(z.boolean()),
  max_position_embeddings: z.optional(positive),
  sliding_window: z.nullish(positive),
  sliding_window_pattern: z.optional(positive),
  use_sliding_window: z.optional(z.boolean()),
  layer_types: z.optional(z.array(z.string())),
  attention_chunk_size: z.nullish(positive),
  num_local_experts: z.optional(positive),
  num_experts: z.optional(positive),
  n_routed_experts: z.optional(positive),
  num_experts_per_tok: z.optional(positive),
  moe_intermediate_size: z.optional(positive),
  n_shared_experts: z.nullish(z.int().check(z.nonnegative())),
  shared_expert_intermediate_size: z.optional(positive),
  first_k_dense_replace: z.optional(z.int().check(z.nonnegative())),
  interleave_moe_layer_step: z.optional(positive),
  q_lora_rank: z.nullish(positive),
  kv_lora_rank: z.optional(positive),
  qk_nope_head_dim: z.optional(positive),
  qk_rope_head_dim: z.optional(positive),
  v_head_dim: z.optional(positive),
});

export type HfConfig = z.infer<typeof hfConfigSchema>;

/** Multimodal checkpoints nest the language model's config under text_config. */
export function textConfigOf(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'text_config' in raw && !('hidden_size' in raw)) {
    return (raw as { text_config: unknown }).text_config;
  }
  return raw;
}

function slidingWindowOf(c: HfConfig): Architecture['slidingWindow'] {
  if (c.layer_types?.length) {
    const sliding = c.layer_types.filter((t) => t === 'sliding_attention' || t === 'chunked_attention').length;
    const size = c.sliding_window ?? c.attention_chunk_size;
    return sliding && size ? { size, layerShare: sliding / c.layer_types.length } : undefined;
  }
  if (c.attention_chunk_size) return { size: c.attention_chunk_size, layerShare: 3 / 4 }; // Llama 4: 3 of 4 layers chunked
  if (!c.sliding_window || c.use_sliding_window === false) return undefined;
  if (c.sliding_window_pattern) return { size: c.sliding_window, layerShare: (c.sliding_window_pattern - 1) / c.sliding_window_pattern };
  if (c.model_type === 'gemma2') return { size: c.sliding_window, layerShare: 1 / 2 }; // alternating local/global
  return { size: c.sliding_window, layerShare: 1 };
}

export function architectureFromConfig(c: HfConfig, extraParams = 0): Architecture {
  const experts = c.num_local_experts ?? c.n_routed_experts ?? c.num_experts;
  const moe: Architecture['moe'] =
    experts && c.num_experts_per_tok
      ? {
          experts,
          topK: c.num_experts_per_tok,
          // Mixtral and gpt-oss size each expert with intermediate_size; Llama 4 uses intermediate_size for
          // experts and intermediate_size_mlp for its dense layers
          expertIntermediateSize: c.moe_intermediate_size ?? c.intermediate_size,
          sharedExperts: c.n_shared_experts ?? (c.model_type === 'llama4_text' ? 1 : c.shared_expert_intermediate_size ? 1 : 0),
          sharedIntermediateSize: c.shared_expert_intermediate_size,
          firstDenseLayers: c.first_k_dense_replace ?? 0,
          layerStep: c.interleave_moe_layer_step ?? 1,
        }
      : undefined;
  const mla: Architecture['mla'] =
    c.kv_lora_rank && c.qk_nope_head_dim && c.qk_rope_head_dim && c.v_head_dim
      ? {
          qLoraRank: c.q_lora_rank ?? null,
          kvLoraRank: c.kv_lora_rank,
          qkNopeHeadDim: c.qk_nope_head_dim,
          qkRopeHeadDim: c.qk_rope_head_dim,
          vHeadDim: c.v_head_dim,
        }
      : undefined;
  return {
    hiddenSize: c.hidden_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
    headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
    intermediateSize: c.intermediate_size_mlp ?? c.intermediate_size,
    vocabSize: c.vocab_size,
    tiedEmbeddings: c.tie_word_embeddings ?? false,
    attentionBias: c.attention_bias ?? c.model_type === 'qwen2',
    qkNorm: ['qwen3', 'qwen3_moe', 'gemma3_text', 'olmo2'].includes(c.model_type ?? ''),
    fusedProjections: c.model_type === 'phi3',
    maxContext: c.max_position_embeddings ?? 4096,
    slidingWindow: slidingWindowOf(c),
    moe,
    mla,
    extraParams,
  };
}
