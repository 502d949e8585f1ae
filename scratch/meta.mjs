import { build } from 'esbuild';
const r = await build({ entryPoints: ['src/serverless/slackFunction.ts'], bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node20', write: false, metafile: true, outfile: '/tmp/x.mjs', logLevel: 'silent',
  external: ['libsql', '@google-cloud/*', 'google-gax', 'google-auth-library', '@aws-sdk/client-ec2', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-sagemaker', '@aws-sdk/client-application-auto-scaling', '@aws-sdk/client-cost-explorer'] });
const out = Object.values(r.metafile.outputs)[0];
const byPkg = {};
for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file);
  const key = m ? m[1] : file.split('/').slice(0, 2).join('/');
  byPkg[key] = (byPkg[key] ?? 0) + bytesInOutput;
}
console.log('total', (out.bytes / 1e6).toFixed(2));
for (const [k, v] of Object.entries(byPkg).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1e3).toFixed(0).padStart(6), k);
const who = (pkg) => Object.entries(r.metafile.inputs).filter(([f, i]) => !f.includes(`node_modules/${pkg}/`) && i.imports.some((im) => im.path.includes(`node_modules/${pkg}/`))).map(([f]) => f);
for (const p of ['undici', 'iconv-lite', 'mime-db', 'node-cron', 'raw-body', 'express', 'type-is', 'body-parser']) console.log(p, '<-', who(p).slice(0, 4).join(', '));
