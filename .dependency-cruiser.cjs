// The layer rules of CONVENTIONS.md, checked in CI (`npm run depcheck`): imports point down, never back up.
//   entry (main, app, services, cli) → modules → services → repositories → db
//   http, web, oauth, api-auth, provider-storage, shared and db never import modules;
//   nothing but the composition root (app.ts, services.ts), tests and benchmarks imports oauth/.
// Type-only imports are allowed downwards into modules' service types (they vanish at runtime and only
// state the contract a layer is handed by the composition root).
const NOT_TESTS = '(^test/|\\.test\\.ts$|^bench/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-of-modules-from-lower-layers',
      comment: 'http, web, oauth, api-auth, provider-storage, shared and db sit below modules',
      severity: 'error',
      from: { path: '^src/(http|web|oauth|api-auth|provider-storage|shared|db)/', pathNot: NOT_TESTS },
      to: { path: '^src/modules/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'oauth-only-from-the-composition-root',
      comment: 'src/oauth is the authorization server; app.ts and services.ts alone wire it in',
      severity: 'error',
      from: { pathNot: ['^src/oauth/', '^src/(app|services)\\.ts$', NOT_TESTS] },
      to: { path: '^src/oauth/' },
    },
    {
      name: 'provider-internals-stay-fenced',
      comment: 'oidc-provider internals are reached from src/oauth/provider-internals/ only',
      severity: 'error',
      from: { pathNot: ['^src/oauth/provider-internals/', NOT_TESTS] },
      to: { path: 'node_modules/oidc-provider/lib/', pathNot: 'node_modules/oidc-provider/lib/index\\.js$' },
    },
    {
      name: 'oidc-provider-only-in-oauth',
      comment: 'the authorization server is the one user of oidc-provider',
      severity: 'error',
      from: { pathNot: ['^src/oauth/', NOT_TESTS] },
      to: { path: 'node_modules/oidc-provider/' },
    },
    {
      name: 'repositories-are-the-bottom-of-a-module',
      comment: 'a repository runs queries; it never calls a service or a route',
      severity: 'error',
      from: { path: '\\.repository\\.ts$' },
      to: { path: '\\.(service|routes|views)\\.ts$' },
    },
    {
      name: 'services-never-import-routes',
      severity: 'error',
      from: { path: '\\.service\\.ts$' },
      to: { path: '\\.(routes|views)\\.ts$' },
    },
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      from: { path: '^src/db/', pathNot: NOT_TESTS },
      to: { path: '^src/(modules|oauth|api-auth|provider-storage|http|web|cli)/' },
    },
    {
      name: 'shared-knows-no-domain',
      severity: 'error',
      from: { path: '^src/shared/', pathNot: NOT_TESTS },
      to: { path: '^src/', pathNot: '^src/(shared/|errors\\.ts$)' },
    },
    {
      name: 'modules-never-import-entries',
      severity: 'error',
      from: { path: '^src/(modules|http|web|api-auth|provider-storage|shared|db)/', pathNot: NOT_TESTS },
      to: { path: '^src/(app|services|main)\\.ts$|^src/cli/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
