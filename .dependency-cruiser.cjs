// The import rules `npm test` holds the code to (npm run check:deps). Type-only imports count: a
// cycle through types today becomes a run-time cycle the day one of them imports a value, and a
// bundler turns run-time cycles into start-up crashes.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles: esbuild may order the chunks so that a module runs before what it imports is set (a temporal-dead-zone crash at start).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
