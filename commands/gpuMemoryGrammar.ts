// `/gpu-memory` text -> a request: `<model> [precision] [mode] [key=value ...] [flags]`.
// Knows words, not models: the model name is resolved afterwards.
import type { Engine, LoraTargets, Mode, Optimizer, TrainingPrecision } from '../src/calc/gpuMemory.ts';
import { isKvPrecisionId, isPrecisionId, type KvPrecisionId, type PrecisionId } from '../src/calc/precision.ts';
import { parsePositiveInteger, parseQuantity, QuantityError } from '../src/calc/quantity.ts';
import { UsageError } from './command.ts';

export interface GpuMemoryRequest {
  model: string;
  precision?: PrecisionId;
  mode: Mode;
  trainingPrecision?: TrainingPrecision;
  optimizer?: Optimizer;
  checkpointing: boolean;
  batch?: number;
  context?: number;
  sequence?: number;
  kv?: KvPrecisionId;
  engine: Engine;
  utilization?: number;
  gpu?: string;
  gpus?: number;
  tensor?: number;
  pipeline?: number;
  zero?: 0 | 1 | 2 | 3;
  loraRank?: number;
  loraTargets?: LoraTargets;
}

const MODES: Record<string, Mode> = {
  infer: 'inference',
  inference: 'inference',
  serve: 'inference',
  train: 'train',
  finetune: 'train',
  lora: 'lora',
  qlora: 'qlora',
};
const TRAINING_PRECISIONS: Record<string, TrainingPrecision> = { mixed: 'mixed', amp: 'mixed' };
const FLAGS = new Set(['ckpt', 'checkpointing', 'grad-ckpt', 'gc']);
const OPTIMIZERS: Record<string, Optimizer> = {
  adamw: 'adamw',
  adam: 'adamw',
  adamw8bit: 'adamw8bit',
  'adamw-8bit': 'adamw8bit',
  adam8bit: 'adamw8bit',
  'paged-adamw-8bit': 'adamw8bit',
  sgd: 'sgd',
  adafactor: 'adafactor',
};
const TARGETS: Record<string, LoraTargets> = {
  'all-linear': 'all-linear',
  all: 'all-linear',
  attention: 'attention',
  attn: 'attention',
  qv: 'qv',
};
const ENGINES: Record<string, Engine> = { transformers: 'transformers', hf: 'transformers', pytorch: 'transformers', vllm: 'vllm' };
const KEY_ALIASES: Record<string, string> = {
  batch: 'batch',
  bs: 'batch',
  b: 'batch',
  ctx: 'ctx',
  context: 'ctx',
  seq: 'seq',
  seqlen: 'seq',
  sequence: 'seq',
  kv: 'kv',
  engine: 'engine',
  util: 'util',
  gpu: 'gpu',
  gpus: 'gpus',
  tp: 'tp',
  pp: 'pp',
  zero: 'zero',
  opt: 'optimizer',
  optimizer: 'optimizer',
  r: 'r',
  rank: 'r',
  target: 'target',
  targets: 'target',
  precision: 'precision',
};

export const GPU_MEMORY_KEYS =
  'batch= ctx= seq= kv= engine=transformers|vllm util= gpu= gpus= tp= pp= zero=0-3 opt=adamw|adamw8bit|sgd|adafactor r= target=all-linear|attention|qv';

function precisionOf(word: string): PrecisionId | undefined {
  const w = word.toLowerCase().replace(/^gguf[-_]?/, '');
  return isPrecisionId(w) ? w : undefined;
}

function oneOf<T>(table: Record<string, T>, value: string, key: string): T {
  const found = table[value.toLowerCase()];
  if (found === undefined) throw new UsageError(`${key}=${value} is not one of: ${Object.keys(table).join(', ')}`);
  return found;
}

export function parseGpuMemoryText(text: string): GpuMemoryRequest {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const modelWords: string[] = [];
  const understood: string[] = [];
  const notUnderstood: string[] = [];
  const seen = new Map<string, string>();
  const request: GpuMemoryRequest = { model: '', mode: 'inference', checkpointing: false, engine: 'transformers' };
  const contradictions: string[] = [];
  let precisionWords: string[] = [];
  let modeWord: string | undefined;

  const once = (slot: string, word: string) => {
    const earlier = seen.get(slot);
    if (earlier !== undefined && earlier !== word) contradictions.push(`${earlier} and ${word} (choose one ${slot})`);
    seen.set(slot, word);
  };

  for (const token of tokens) {
    const lower = token.toLowerCase();
    const assignment = /^([a-z_-]+)=(.+)$/i.exec(token);
    if (assignment) {
      const key = KEY_ALIASES[assignment[1]!.toLowerCase()];
      const value = assignment[2]!;
      if (!key) {
        notUnderstood.push(token);
        continue;
      }
      once(key, token);
      try {
        applyKey(request, key, value, precisionWords);
      } catch (error) {
        const soFar = { understood: [...modelWords, ...understood], notUnderstood: [token] };
        if (error instanceof QuantityError) throw new UsageError(`${token}: ${error.message}`, soFar);
        if (error instanceof UsageError) throw new UsageError(error.message, soFar);
        throw error;
      }
      understood.push(token);
    } else if (precisionOf(lower)) {
      precisionWords.push(lower);
      understood.push(token);
    } else if (MODES[lower]) {
      once('mode', lower);
      modeWord = lower;
      request.mode = MODES[lower]!;
      understood.push(token);
    } else if (TRAINING_PRECISIONS[lower]) {
      request.trainingPrecision = TRAINING_PRECISIONS[lower];
      understood.push(token);
    } else if (FLAGS.has(lower)) {
      request.checkpointing = true;
      understood.push(token);
    } else if (understood.length === 0) {
      modelWords.push(token);
    } else {
      notUnderstood.push(token);
    }
  }
  request.model = modelWords.join(' ');
  if (!request.model) {
    throw new UsageError('name a model first, e.g. `70b fp16` or `llama-3.1-8b bf16`', { understood, notUnderstood });
  }
  if (notUnderstood.length) {
    throw new UsageError(`did not understand ${notUnderstood.map((t) => `"${t}"`).join(', ')}`, {
      understood: [request.model, ...understood],
      notUnderstood,
    });
  }

  precisionWords = [...new Set(precisionWords.map((w) => precisionOf(w)!))];
  const training = request.mode === 'train';
  if (precisionWords.length > 1) contradictions.push(`${precisionWords.join(' and ')} (choose one precision)`);
  const precision = precisionWords[0] as PrecisionId | undefined;
  if (training) {
    if (precision === 'bf16' || precision === 'fp32') {
      if (request.trainingPrecision) contradictions.push(`${request.trainingPrecision} and ${precision} (choose one training precision)`);
      request.trainingPrecision = precision;
    } else if (precision) {
      contradictions.push(
        `train and ${precision}: full training keeps bf16 or fp32 weights; use \`qlora\` or \`lora ${precision}\` to train on a quantized base`,
      );
    }
    request.trainingPrecision ??= 'mixed';
  } else {
    request.precision = precision;
    if (request.trainingPrecision) contradictions.push(`${request.trainingPrecision} is a training precision; add \`train\``);
  }
  if (request.mode === 'qlora' && precision && precision !== 'nf4') contradictions.push(`qlora and ${precision}: QLoRA's base is NF4`);

  const inference = request.mode === 'inference';
  const adapters = request.mode === 'lora' || request.mode === 'qlora';
  const modeName = modeWord ?? 'inference';
  if (inference && request.checkpointing)
    contradictions.push('ckpt (gradient checkpointing) is for training; add `train`, `lora` or `qlora`');
  if (inference && request.optimizer) contradictions.push(`${seen.get('optimizer')} is for training; add \`train\`, \`lora\` or \`qlora\``);
  if (inference && request.zero !== undefined) contradictions.push(`${seen.get('zero')} is for training; for inference use tp= or pp=`);
  if (inference && request.sequence !== undefined && request.context !== undefined)
    contradictions.push(`${seen.get('ctx')} and ${seen.get('seq')} (choose one length)`);
  if (!inference && request.context !== undefined && request.sequence !== undefined)
    contradictions.push(`${seen.get('ctx')} and ${seen.get('seq')} (choose one length)`);
  if (!inference && request.kv) contradictions.push(`${seen.get('kv')} applies to inference, not ${modeName}`);
  if (!inference && request.engine === 'vllm') contradictions.push(`engine=vllm serves models; it does not ${modeName}`);
  if (request.utilization !== undefined && request.engine !== 'vllm')
    contradictions.push(`${seen.get('util')} is vLLM's gpu_memory_utilization; add engine=vllm`);
  if (!adapters && (request.loraRank !== undefined || request.loraTargets))
    contradictions.push(`${seen.get('r') ?? seen.get('target')} is a LoRA setting; add \`lora\` or \`qlora\``);
  if (request.tensor && request.gpus && request.gpus % (request.tensor * (request.pipeline ?? 1)) !== 0) {
    contradictions.push(`gpus=${request.gpus} is not a multiple of tp × pp = ${request.tensor * (request.pipeline ?? 1)}`);
  }
  if (contradictions.length) {
    throw new UsageError(`contradictory options: ${contradictions.join('; ')}`, { understood: [request.model, ...understood] });
  }
  if (!inference && request.context !== undefined) {
    request.sequence = request.context;
    delete request.context;
  }
  if (inference && request.sequence !== undefined) {
    request.context = request.sequence;
    delete request.sequence;
  }
  return request;
}

function applyKey(request: GpuMemoryRequest, key: string, value: string, precisionWords: string[]): void {
  switch (key) {
    case 'batch':
      request.batch = parsePositiveInteger(value, 'batch');
      break;
    case 'ctx':
      request.context = parsePositiveInteger(value, 'ctx', 'binary');
      break;
    case 'seq':
      request.sequence = parsePositiveInteger(value, 'seq', 'binary');
      break;
    case 'gpus':
      request.gpus = parsePositiveInteger(value, 'gpus');
      break;
    case 'tp':
      request.tensor = parsePositiveInteger(value, 'tp');
      break;
    case 'pp':
      request.pipeline = parsePositiveInteger(value, 'pp');
      break;
    case 'r':
      request.loraRank = parsePositiveInteger(value, 'r');
      break;
    case 'gpu':
      request.gpu = value;
      break;
    case 'engine':
      request.engine = oneOf(ENGINES, value, key);
      break;
    case 'optimizer':
      request.optimizer = oneOf(OPTIMIZERS, value, 'opt');
      break;
    case 'target':
      request.loraTargets = oneOf(TARGETS, value, key);
      break;
    case 'precision': {
      if (!precisionOf(value)) throw new UsageError(`precision=${value} is not a known precision`);
      precisionWords.push(value.toLowerCase());
      break;
    }
    case 'kv': {
      const kv = value.toLowerCase();
      if (!isKvPrecisionId(kv)) throw new UsageError(`kv=${value} is not one of: fp32, fp16, bf16, fp8, int8, q8_0, q4_0`);
      request.kv = kv;
      break;
    }
    case 'zero': {
      const stage = Number(value);
      if (![0, 1, 2, 3].includes(stage)) throw new UsageError(`zero=${value}: ZeRO stages are 0, 1, 2 and 3`);
      request.zero = stage as 0 | 1 | 2 | 3;
      break;
    }
    case 'util': {
      const util = parseQuantity(value);
      if (!(util > 0 && util <= 1)) throw new UsageError(`util=${value} must be a fraction of GPU memory between 0 and 1, e.g. util=0.9`);
      request.utilization = util;
      break;
    }
  }
}
