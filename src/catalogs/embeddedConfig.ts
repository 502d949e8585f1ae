// config/'s YAML files already parsed, by file name, where a build embeds them: the Lambda bundles,
// whose cold start would otherwise spend ~30 ms parsing YAML. Undefined where config/ is read from
// disk; bin/build-lambda.js replaces this module.
export const EMBEDDED_CONFIG: Readonly<Record<string, unknown>> | undefined = undefined;
