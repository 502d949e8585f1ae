#!/usr/bin/env node
// `npm run build:lambda`: one self-contained, minified bundle per Lambda function under
// dist/lambda/<function>/index.mjs, the AWS SDK v3 clients tree-shaken into it (from their ES
// module builds: the CommonJS ones are one file per client, which esbuild cannot shake). What a
// function never runs is left out: the slack function answers calculators and hands reports and
// actions to the worker, so the report, action and Google clients are replaced by a module that
// says so if reached, and so is Bolt's OAuth installer (the bot has one workspace's token); the
// scheduler only queues jobs. The worker carries the Google clients in chunks of its own, loaded
// only where GCP is configured. The SQLite binary is in no bundle.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { load } from 'js-yaml';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const GOOGLE_CLIENTS = ['@google-cloud/*', 'google-gax', 'google-auth-library'];
/** Bolt's other receivers (HTTP server, Express, Socket Mode): a Lambda function uses AwsLambdaReceiver. */
const OTHER_RECEIVERS = ['express', 'raw-body', '@slack/socket-mode'];
const WORKER_ONLY = [
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-sagemaker',
  '@aws-sdk/client-application-auto-scaling',
  '@aws-sdk/client-cost-explorer',
  '@resvg/resvg-wasm',
];
/**
 * Files a function reads at run time through require.resolve (src/slack/chartImage.ts: the chart
 * renderer's WebAssembly and its font): copied with their package.json into a node_modules beside
 * the bundle, where that resolution finds them.
 */
const CHART_ASSETS = ['@resvg/resvg-wasm/index_bg.wasm', 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'];

/**
 * Resolves the named packages to an inert stand-in: loading it succeeds (Bolt requires all its
 * receivers' packages up front), and any call or `new` on anything taken from it throws, naming
 * where that work runs.
 */
function leaveOut(packages, where) {
  const matches = (path) =>
    packages.some((p) => (p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : path === p || path.startsWith(`${p}/`)));
  return {
    name: 'leave-out',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (matches(args.path) ? { path: args.path, namespace: 'left-out' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        loader: 'js',
        contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not in this Lambda bundle: ${where}`)}); };
const stub = new Proxy(fail, { get: (_, key) => (key === '__esModule' || key === 'then' ? undefined : stub), apply: fail, construct: fail });
module.exports = stub;`,
      }));
    },
  };
}

/** A parsed YAML value as JavaScript source: JSON, except that YAML's dates stay Dates. */
function asJavaScript(value) {
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (Array.isArray(value)) return `[${value.map(asJavaScript).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${asJavaScript(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** src/catalogs/embeddedConfig.ts as a bundle has it: config/'s YAML files parsed (examples left out). */
export function embeddedConfigSource(dir = at('../config')) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('.example.yaml'))
    .sort();
  const entries = files.map((f) => `${JSON.stringify(f)}:${asJavaScript(load(readFileSync(join(dir, f), 'utf8')))}`);
  return `export const EMBEDDED_CONFIG = {${entries.join(',')}};`;
}

/** A cold start reads config/ without parsing YAML; the files still ship in the package. */
function embedConfig() {
  return {
    name: 'embed-config',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]catalogs[\\/]embeddedConfig\.ts$/ }, () => ({ loader: 'js', contents: embeddedConfigSource() }));
    },
  };
}

export const FUNCTIONS = {
  slack: {
    entry: '../src/serverless/slackFunction.ts',
    leftOut: [
      [WORKER_ONLY, 'reports and actions on idle findings run on the worker function'],
      [GOOGLE_CLIENTS, 'GCP is read on the worker function'],
      [['libsql'], 'Lambda keeps state in DynamoDB'],
      [OTHER_RECEIVERS, 'Lambda uses AwsLambdaReceiver'],
      [['@slack/oauth', 'jsonwebtoken'], "the bot runs on one workspace's token, with no OAuth installs"],
    ],
  },
  worker: {
    entry: '../src/serverless/workerFunction.ts',
    leftOut: [
      [['libsql'], 'Lambda keeps state in DynamoDB'],
      [OTHER_RECEIVERS, 'Lambda uses AwsLambdaReceiver'],
    ],
    assets: CHART_ASSETS,
    // the Google clients (tens of MB with their protos) in chunks of their own, loaded only where GCP is configured
    splitting: true,
  },
  scheduler: {
    entry: '../src/serverless/schedulerFunction.ts',
    leftOut: [
      [GOOGLE_CLIENTS, 'the scheduler only queues jobs for the worker'],
      [['libsql'], 'Lambda keeps state in DynamoDB'],
      [OTHER_RECEIVERS, 'Lambda uses AwsLambdaReceiver'],
    ],
  },
};

function copyAssets(assets, modules) {
  const require = createRequire(import.meta.url);
  for (const asset of assets) {
    const pkg = asset.startsWith('@') ? asset.split('/').slice(0, 2).join('/') : asset.split('/')[0];
    const file = require.resolve(asset);
    // not require.resolve('<pkg>/package.json'): a package's exports may not list it
    const dir = file.slice(0, file.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}`.length);
    cpSync(file, join(modules, asset));
    cpSync(join(dir, 'package.json'), join(modules, pkg, 'package.json'));
  }
}

/** A bundle's size as the build and the benchmark print it. */
export function describeSize({ bytes, totalBytes, largest }) {
  const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
  const chunks = totalBytes > bytes ? ` + ${mb(totalBytes - bytes)} in chunks loaded when needed` : '';
  return `${mb(bytes)}${chunks}  (largest: ${largest.map(([p, b]) => `${p} ${Math.round(b / 1024)} KB`).join(', ')})`;
}

/** The packages that take the most room in a bundle, for the benchmark's report. */
function largestPackages(metafile, count) {
  const byPackage = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? 'burnrate';
      byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
    }
  }
  return Object.entries(byPackage)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count);
}

/**
 * Builds every function's bundle into outDir/<function>/index.mjs. The bundles find config/ by
 * looking upward from where they are, as the deployed package has it (config/ beside dist/).
 */
export async function buildLambdas(outDir = at('../dist/lambda')) {
  rmSync(outDir, { recursive: true, force: true });
  const sizes = {};
  for (const [name, { entry, leftOut, assets = [], splitting = false }] of Object.entries(FUNCTIONS)) {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const result = await build({
      entryPoints: { index: at(entry) },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      splitting,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      minify: true,
      platform: 'node',
      mainFields: ['module', 'main'],
      format: 'esm',
      target: 'node22',
      logLevel: 'warning',
      // CommonJS dependencies (Bolt, axios) expect require and __dirname
      banner: {
        js: "import{createRequire as __cr}from'node:module';import{fileURLToPath as __fu}from'node:url';import{dirname as __dn}from'node:path';const require=__cr(import.meta.url);const __filename=__fu(import.meta.url);const __dirname=__dn(__filename);",
      },
      plugins: [embedConfig(), ...leftOut.map(([packages, where]) => leaveOut(packages, where))],
      metafile: true,
    });
    copyAssets(assets, join(dir, 'node_modules'));
    const outputs = Object.keys(result.metafile.outputs);
    sizes[name] = {
      bytes: statSync(join(dir, 'index.mjs')).size,
      totalBytes: outputs.reduce((sum, file) => sum + statSync(file).size, 0),
      largest: largestPackages(result.metafile, 6),
    };
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, size] of Object.entries(await buildLambdas())) {
    console.log(`dist/lambda/${name}/index.mjs  ${describeSize(size)}`);
  }
}
