// The model a Vertex AI deployed model's container loads, read from its Model resource's
// containerSpec, for the containers LLMs are served with on Vertex AI:
// - vLLM (Model Garden's vLLM serving image): the model and its limits are the server's own flags
//   in containerSpec.args, `--model=<id>` or `--model <id>`, --tensor-parallel-size, --max-model-len,
//   --dtype, --quantization (vLLM's engine arguments).
// - Hugging Face TGI (the Hugging Face LLM deep learning container for Vertex AI): the launcher's
//   own environment, MODEL_ID, NUM_SHARD, MAX_TOTAL_TOKENS / MAX_INPUT_TOKENS, QUANTIZE, DTYPE (TGI
//   docs, "Launcher arguments": each flag is also read from the variable of its name).
import { positiveInt, servedModel, weightFormat } from '../containerSettings.ts';
import type { ServedModel } from '../servingLoad.ts';

export interface VertexContainer {
  env: Record<string, string>;
  args: string[];
}

/** `--name=value` or `--name value` among a server's arguments. */
function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    if (arg === `--${name}`) return args[i + 1];
  }
  return undefined;
}

/** The model the container names, with its precision, tensor-parallel degree and context; null when it names none. */
export function servedModelFromVertexContainer(container: VertexContainer): ServedModel | null {
  const { env, args } = container;
  const model = flag(args, 'model');
  if (model) {
    return servedModel(model, 'vLLM', {
      precision: weightFormat(flag(args, 'quantization')) ?? weightFormat(flag(args, 'dtype')),
      tensorParallel: positiveInt(flag(args, 'tensor-parallel-size')),
      contextTokens: positiveInt(flag(args, 'max-model-len')),
    });
  }
  if (env.MODEL_ID) {
    return servedModel(env.MODEL_ID, 'TGI', {
      precision: weightFormat(env.QUANTIZE) ?? weightFormat(env.DTYPE),
      tensorParallel: positiveInt(env.NUM_SHARD),
      contextTokens: positiveInt(env.MAX_TOTAL_TOKENS) ?? positiveInt(env.MAX_INPUT_TOKENS),
    });
  }
  return null;
}
