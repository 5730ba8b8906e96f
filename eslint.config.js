// Lint rules that enforce the layering of STYLE.md §3: domains meet only through index.ts,
// foundations import nothing above them, and pure rule files never touch IO.
import tseslint from 'typescript-eslint'

const deepImportAcrossDomains = (depth) => ({
  regex: `^${'\\.\\./'.repeat(depth)}[a-z_]+/(?!index\\.js$)`,
  message: 'Import another domain only through its index.ts (STYLE.md §2.1).',
})
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'fastify',
  'kysely',
  'better-sqlite3',
  'pg',
  'pino',
]
const onlyFoundations = (allowed) => ({
  regex: `^\\.\\./(?!${allowed.join('|')})[a-z_]+/`,
  message: `This folder may import only ${allowed.join(', ')} from src (STYLE.md §3).`,
})

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.wifkit-dev/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['src/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImportAcrossDomains(1)] }] },
  },
  {
    files: ['src/*/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImportAcrossDomains(2)] }] },
  },
  {
    files: ['src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'util imports nothing from src.' }] },
      ],
    },
  },
  {
    files: ['src/errors/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyFoundations(['util'])] }] },
  },
  {
    files: ['src/config/*.ts', 'src/http/*.ts', 'src/store/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [onlyFoundations(['util', 'errors', 'config']), deepImportAcrossDomains(1)] },
      ],
    },
  },
  {
    files: ['src/store/*/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(?!util|errors|config)[a-z_]+/',
              message: 'store imports only foundations.',
            },
            deepImportAcrossDomains(2),
          ],
        },
      ],
    },
  },
  {
    // The published SDK loads node: builtins and its own files only (IF-70).
    files: ['src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'The SDK imports nothing from src (IF-70).' }] },
      ],
    },
  },
  {
    // Pure rules: values in, values out (STYLE.md §2.3).
    files: [
      'src/keys/kid.ts',
      'src/keys/jwk.ts',
      'src/keys/rotation.ts',
      'src/issuer/claims.ts',
      'src/issuer/documents.ts',
      'src/issuer/names.ts',
      'src/sts/scope.ts',
      'src/sts/explain.ts',
      'src/sts/fic_rules.ts',
      'src/sts/token_request.ts',
      'src/sts/discovery.ts',
      'src/sts/access_token.ts',
      'src/sts/federation/match.ts',
      'src/sts/federation/assertion.ts',
      'src/sts/federation/time_window.ts',
      'src/kubelet/projected_tokens.ts',
      'src/webhook/admission.ts',
      'src/webhook/webhook_config.ts',
      'src/webhook/manifests.ts',
      'src/webhook/manifest_deployment.ts',
      'src/sdk/options.ts',
      'src/sdk/claims.ts',
      'src/sdk/retry_delay.ts',
      'src/sdk/token_response.ts',
      'src/sdk/token_cache.ts',
      'src/sdk/discovery_document.ts',
      'src/resource/names.ts',
      'src/resource/roles.ts',
      'src/resource/secret_body.ts',
      'src/resource/bundles.ts',
      'src/resource/paging.ts',
      'src/resource/challenge.ts',
      'src/resource/api_version.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioModules, patterns: [deepImportAcrossDomains(1)] },
      ],
      'no-restricted-globals': ['error', 'fetch'],
    },
  },
)
