// The import rules `npm test` holds the code to (npm run check:deps). Type-only imports count: a
// cycle through types today becomes a run-time cycle the day one of them imports a value, and a
// bundler turns run-time cycles into start-up crashes.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles: esbuild may order the chunks so that a module runs before what it imports is set (a temporal-dead-zone crash at start).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-does-no-io',
      severity: 'error',
      comment:
        'src/calc/ and commands/ compute from what they are given: no file, network or process access, no SDK, nothing from the layers that do I/O (types alone are fine).',
      from: { path: '^(src/calc|commands)/' },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads)$',
          '^node_modules/(@aws-sdk|@google-cloud|@slack|google-gax|google-auth-library|libsql)/',
          '^src/(clouds|state|pricing|runtime|slack|local|serverless|schedule|actions|cache)/',
          '^src/hub/huggingFaceHub',
          '^reports/',
        ],
      },
    },
    {
      name: 'lower-layers-call-no-feature',
      severity: 'error',
      comment:
        'Ports, data and pure code sit below the features: they call nothing in reports/, commands/, the actions, Slack, schedules or runtimes (a type named there, such as the FindingRef a stopper takes, is allowed).',
      from: { path: '^src/(clouds|settings|state|calc|catalogs|present|cache|hub|pricing)/' },
      to: { dependencyTypesNot: ['type-only'], path: ['^(reports|commands)/', '^src/(actions|slack|runtime|schedule|serverless|local)/'] },
    },
    {
      name: 'features-meet-no-provider',
      severity: 'error',
      comment:
        'Reports, the approval workflow and Slack reach clouds only through the provider interfaces and the registries in src/clouds/ (registry.ts, controls.ts), never a provider folder or a cloud SDK.',
      from: { path: '^(reports/|src/(actions|slack)/)' },
      to: { path: ['^src/clouds/(aws|gcp|demo)/', '^node_modules/(@aws-sdk|@google-cloud|google-gax|google-auth-library)/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
