import assert from 'node:assert/strict'
import { test } from 'node:test'
import { configLeaves, validateConfig, type Config } from '../../../src/config/index.js'
import { ConfigError, type ConfigIssue } from '../../../src/errors/index.js'

const BASE = '/etc/wifkit'
const minimal = { public: { url: 'https://wifkit.example.com' }, keys: { kekFile: 'kek.b64' } }

const defaults: Config = {
  storage: 'sqlite:/etc/wifkit/wifkit.db',
  public: { listen: '0.0.0.0:8443', url: 'https://wifkit.example.com' },
  admin: { listen: '127.0.0.1:8444' },
  keys: {
    kekFile: '/etc/wifkit/kek.b64',
    algorithm: 'RS256',
    prePublishSeconds: 86_400,
    rotationIntervalDays: 90,
  },
  issuers: { maxTokenExpirationSeconds: 86_400, defaultAudiences: ['api://AzureADTokenExchange'] },
  sts: {
    tokenLifetimeSeconds: 3600,
    maxCredentialsPerIdentity: 20,
    assertionSkewSeconds: 300,
    maxAssertionLifetimeSeconds: 90_000,
    revealMatchDetails: false,
    issuerFetchTimeoutSeconds: 10,
    issuerAllowList: [],
  },
  vaults: { defaultRetentionDays: 90, purgeIntervalSeconds: 3600 },
  cache: { maxStalenessSeconds: 60, versionCheckMs: 500, maxEntries: 100_000 },
  limits: {
    tokenBodyBytes: 65_536,
    maxAssertionBytes: 16_384,
    adminBodyBytes: 65_536,
    vaultBodyBytes: 262_144,
    maxJsonDepth: 32,
    maxFormFields: 100,
    maxHeaderBytes: 16_384,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    idleSocketTimeoutMs: 60_000,
    keepAliveTimeoutMs: 5000,
    maxRequestsPerSocket: 1000,
    maxConcurrentIssuerFetches: 32,
  },
  rateLimit: {
    enabled: true,
    clientIdPerSecond: 200,
    clientIdBurst: 2000,
    addressPerSecond: 100,
    addressBurst: 1000,
    adminTokenPerSecond: 100,
    adminTokenBurst: 1000,
    maxTrackedKeys: 100_000,
  },
  log: { level: 'info' },
}

test('IF-20: a minimal configuration gets every documented default', () => {
  assert.deepEqual(validateConfig(minimal, {}, BASE), defaults)
})

/** The issues a configuration is refused with, sorted by path; fails if it is accepted. */
function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  try {
    validateConfig(raw, env, BASE)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    assert.equal(error.message, error.issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
    return [...error.issues].sort((a, b) => a.path.localeCompare(b.path))
  }
  assert.fail('the configuration was accepted')
}

const refused: readonly (readonly [string, unknown, NodeJS.ProcessEnv, ConfigIssue[]])[] = [
  [
    'IF-20: every problem is listed at once, each with its key path',
    { public: { url: 'http://wifkit.example.com', foo: 1 }, keys: { prePublishSeconds: 60 } },
    {},
    [
      { path: 'keys.kekFile', message: 'is required' },
      {
        path: 'keys.prePublishSeconds',
        message: 'must be at least 3600 (the JWKS max-age, ISS-91)',
      },
      { path: 'public.foo', message: 'unknown key' },
      { path: 'public.url', message: 'must use https (got "http://wifkit.example.com")' },
    ],
  ],
  [
    'IF-20: an empty configuration lacks public and keys',
    {},
    {},
    [
      { path: 'keys', message: 'is required' },
      { path: 'public', message: 'is required' },
    ],
  ],
  [
    'IF-20: an unknown top-level key is named',
    { ...minimal, vault: {} },
    {},
    [{ path: 'vault', message: 'unknown key' }],
  ],
  [
    'IF-25: public.url must be an origin without a path',
    { ...minimal, public: { url: 'https://wifkit.example.com/issuers' } },
    {},
    [
      {
        path: 'public.url',
        message:
          'must be an origin only, like https://host:port (got "https://wifkit.example.com/issuers")',
      },
    ],
  ],
  [
    'IF-25: public.listen must be HOST:PORT',
    { ...minimal, public: { ...minimal.public, listen: '8443' } },
    {},
    [{ path: 'public.listen', message: 'must be HOST:PORT, e.g. 0.0.0.0:8443' }],
  ],
  [
    'IF-22: storage must be sqlite:PATH or postgres://',
    { ...minimal, storage: 'mysql://db/wifkit' },
    {},
    [{ path: 'storage', message: 'must be sqlite:PATH or postgres://…' }],
  ],
  [
    'ISS-41: issuers.maxTokenExpirationSeconds below 600 is refused',
    { ...minimal, issuers: { maxTokenExpirationSeconds: 599 } },
    {},
    [{ path: 'issuers.maxTokenExpirationSeconds', message: 'must be at least 600 (ISS-41)' }],
  ],
  [
    'IF-20: a TLS section needs both cert and key',
    { ...minimal, admin: { tls: { cert: 'admin.crt' } } },
    {},
    [{ path: 'admin.tls.key', message: 'is required' }],
  ],
  [
    'IF-25: an environment value is validated like a file value',
    minimal,
    { WIFKIT_PUBLIC_URL: 'http://wifkit.example.com', WIFKIT_KEYS_PREPUBLISHSECONDS: '60' },
    [
      {
        path: 'keys.prePublishSeconds',
        message: 'must be at least 3600 (the JWKS max-age, ISS-91)',
      },
      { path: 'public.url', message: 'must use https (got "http://wifkit.example.com")' },
    ],
  ],
  [
    'IF-25: a JSON list that does not parse names its variable',
    minimal,
    { WIFKIT_ISSUERS_DEFAULTAUDIENCES: '["api://a",' },
    [
      {
        path: 'issuers.defaultAudiences',
        message: 'WIFKIT_ISSUERS_DEFAULTAUDIENCES is not a valid list',
      },
    ],
  ],
  [
    'IF-25: an environment TLS cert without a key is incomplete',
    minimal,
    { WIFKIT_PUBLIC_TLS_CERT: 'public.crt' },
    [{ path: 'public.tls.key', message: 'is required' }],
  ],
  [
    '#9 item 2: a rate below 0.1/s is refused, so Retry-After stays short (PY-22)',
    { ...minimal, rateLimit: { clientIdPerSecond: 0.01, adminTokenBurst: 0 } },
    {},
    [
      { path: 'rateLimit.adminTokenBurst', message: 'Too small: expected number to be >=1' },
      {
        path: 'rateLimit.clientIdPerSecond',
        message: 'must be at least 0.1, so Retry-After stays within 10 s (PY-22)',
      },
    ],
  ],
  [
    'STS-101: an sts.issuerAllowList entry must be a host name or a CIDR range',
    { ...minimal, sts: { issuerAllowList: ['issuer.corp', '10.0.0.0/33', 'https://x'] } },
    {},
    [
      {
        path: 'sts.issuerAllowList.1',
        message: '"10.0.0.0/33" is no CIDR range such as 10.1.0.0/16 or fd00::/8',
      },
      { path: 'sts.issuerAllowList.2', message: '"https://x" is no host name or CIDR range' },
    ],
  ],
  [
    'IF-20: a list as the whole configuration is refused at the root',
    [],
    {},
    [{ path: '(root)', message: 'must be a mapping of keys to values' }],
  ],
  [
    'IF-20: null as the whole configuration is refused at the root',
    null,
    {},
    [{ path: '(root)', message: 'must be a mapping of keys to values' }],
  ],
]

for (const [name, raw, env, want] of refused) {
  test(name, () => assert.deepEqual(issuesOf(raw, env), want))
}

// Known src bug, kept as todo until load.ts is fixed: zod 4 omits `issue.input` unless asked
// (`reportInput`), so toConfigIssue reports every wrong type, present or not, as "is required".
const wrongTypes: readonly (readonly [string, unknown, NodeJS.ProcessEnv, string])[] = [
  [
    'IF-20: a number where a string belongs is not reported as missing',
    { ...minimal, storage: 7 },
    {},
    'storage',
  ],
  [
    'IF-20: a quoted number for keys.prePublishSeconds is not reported as missing',
    { ...minimal, keys: { kekFile: 'kek.b64', prePublishSeconds: '86400' } },
    {},
    'keys.prePublishSeconds',
  ],
  [
    'IF-25: a non-numeric WIFKIT_KEYS_PREPUBLISHSECONDS is not reported as missing',
    minimal,
    { WIFKIT_KEYS_PREPUBLISHSECONDS: 'one day' },
    'keys.prePublishSeconds',
  ],
  [
    'IF-25: WIFKIT_STS_REVEALMATCHDETAILS must be true or false',
    minimal,
    { WIFKIT_STS_REVEALMATCHDETAILS: 'yes' },
    'sts.revealMatchDetails',
  ],
]

for (const [name, raw, env, path] of wrongTypes) {
  test(name, () => {
    const issues = issuesOf(raw, env)
    assert.deepEqual(
      issues.map((i) => i.path),
      [path],
    )
    assert.notEqual(issues[0]?.message, 'is required')
  })
}

type Pick = (c: Config) => unknown
const overrides: readonly (readonly [string, NodeJS.ProcessEnv, Pick, unknown])[] = [
  [
    'IF-25: WIFKIT_PUBLIC_LISTEN sets public.listen',
    { WIFKIT_PUBLIC_LISTEN: '127.0.0.1:0' },
    (c) => c.public.listen,
    '127.0.0.1:0',
  ],
  [
    'IF-25: WIFKIT_ADMIN_LISTEN sets admin.listen',
    { WIFKIT_ADMIN_LISTEN: '[::1]:9444' },
    (c) => c.admin.listen,
    '[::1]:9444',
  ],
  [
    'IF-25: WIFKIT_STORAGE sets storage',
    { WIFKIT_STORAGE: 'postgres://wifkit@db/wifkit' },
    (c) => c.storage,
    'postgres://wifkit@db/wifkit',
  ],
  [
    'IF-25: WIFKIT_STORAGE with a relative sqlite path resolves against the config directory',
    { WIFKIT_STORAGE: 'sqlite:data/w.db' },
    (c) => c.storage,
    'sqlite:/etc/wifkit/data/w.db',
  ],
  [
    'IF-25: WIFKIT_PUBLIC_URL overrides the file value',
    { WIFKIT_PUBLIC_URL: 'https://id.example.org' },
    (c) => c.public.url,
    'https://id.example.org',
  ],
  [
    'IF-25: WIFKIT_KEYS_PREPUBLISHSECONDS is parsed as a number',
    { WIFKIT_KEYS_PREPUBLISHSECONDS: '7200' },
    (c) => c.keys.prePublishSeconds,
    7200,
  ],
  [
    'IF-25: WIFKIT_KEYS_PREPUBLISHSECONDS may carry surrounding spaces',
    { WIFKIT_KEYS_PREPUBLISHSECONDS: ' 7200 ' },
    (c) => c.keys.prePublishSeconds,
    7200,
  ],
  [
    'IF-25: WIFKIT_ISSUERS_DEFAULTAUDIENCES takes a comma list, items trimmed',
    { WIFKIT_ISSUERS_DEFAULTAUDIENCES: 'api://a, api://b ,api://c' },
    (c) => c.issuers.defaultAudiences,
    ['api://a', 'api://b', 'api://c'],
  ],
  [
    'IF-25: WIFKIT_ISSUERS_DEFAULTAUDIENCES takes a JSON list',
    { WIFKIT_ISSUERS_DEFAULTAUDIENCES: '["api://a","api://with,comma"]' },
    (c) => c.issuers.defaultAudiences,
    ['api://a', 'api://with,comma'],
  ],
  [
    'STS-101: WIFKIT_STS_ISSUERALLOWLIST takes host names and CIDR ranges',
    { WIFKIT_STS_ISSUERALLOWLIST: 'issuer.corp, 10.1.0.0/16,fd00::/8' },
    (c) => c.sts.issuerAllowList,
    ['issuer.corp', '10.1.0.0/16', 'fd00::/8'],
  ],
  [
    'IF-25: an unrelated WIFKIT_ variable is ignored',
    { WIFKIT_ADMIN_TOKEN: 'not-config', WIFKIT_PUBLIC_FOO: 'x' },
    (c) => c,
    defaults,
  ],
]

for (const [name, env, pick, want] of overrides) {
  test(name, () => assert.deepEqual(pick(validateConfig(minimal, env, BASE)), want))
}

test('IF-25: WIFKIT_KEYS_KEKFILE creates the keys section when the file has none', () => {
  const config = validateConfig(
    { public: minimal.public },
    { WIFKIT_KEYS_KEKFILE: '/run/secrets/kek' },
    BASE,
  )
  assert.deepEqual(config.keys, { ...defaults.keys, kekFile: '/run/secrets/kek' })
})

const paths = [
  [
    'IF-25: a relative keys.kekFile resolves against the config directory',
    { keys: { kekFile: 'secrets/kek' } },
    (c: Config) => c.keys.kekFile,
    '/etc/wifkit/secrets/kek',
  ],
  [
    'IF-25: an absolute keys.kekFile is kept',
    { keys: { kekFile: '/run/kek' } },
    (c: Config) => c.keys.kekFile,
    '/run/kek',
  ],
  [
    'IF-22: a relative sqlite path resolves against the config directory',
    { storage: 'sqlite:../db/w.db' },
    (c: Config) => c.storage,
    'sqlite:/etc/db/w.db',
  ],
  [
    'IF-22: an absolute sqlite path is kept',
    { storage: 'sqlite:/var/lib/w.db' },
    (c: Config) => c.storage,
    'sqlite:/var/lib/w.db',
  ],
  [
    'IF-22: a postgres URL is not treated as a path',
    { storage: 'postgres://db/w' },
    (c: Config) => c.storage,
    'postgres://db/w',
  ],
  [
    'IF-25: relative public TLS files resolve against the config directory',
    {
      public: {
        url: 'https://wifkit.example.com',
        tls: { cert: 'tls/pub.crt', key: '/k/pub.key' },
      },
    },
    (c: Config) => c.public.tls,
    { cert: '/etc/wifkit/tls/pub.crt', key: '/k/pub.key' },
  ],
  [
    'IF-25: relative admin TLS files resolve against the config directory',
    { admin: { tls: { cert: 'adm.crt', key: 'adm.key' } } },
    (c: Config) => c.admin,
    { listen: '127.0.0.1:8444', tls: { cert: '/etc/wifkit/adm.crt', key: '/etc/wifkit/adm.key' } },
  ],
] as const

for (const [name, change, pick, want] of paths) {
  test(name, () =>
    assert.deepEqual(pick(validateConfig({ ...minimal, ...change }, {}, BASE)), want),
  )
}

test('IF-20: the validated configuration is deeply frozen', () => {
  const config = validateConfig(minimal, {}, BASE)
  for (const part of [
    config,
    config.public,
    config.admin,
    config.keys,
    config.issuers,
    config.log,
  ]) {
    assert.equal(Object.isFrozen(part), true)
  }
  assert.equal(Object.isFrozen(config.issuers.defaultAudiences), true)
  assert.throws(() => {
    ;(config.keys as { prePublishSeconds: number }).prePublishSeconds = 1
  }, TypeError)
  assert.throws(() => (config.issuers.defaultAudiences as string[]).push('api://x'), TypeError)
})

test('IF-20: validation does not change the raw object or its lists', () => {
  const raw = { ...minimal, issuers: { defaultAudiences: ['api://a'] } }
  const before = structuredClone(raw)
  validateConfig(raw, { WIFKIT_ISSUERS_DEFAULTAUDIENCES: 'api://b' }, BASE)
  assert.deepEqual(raw, before)
  assert.equal(Object.isFrozen(raw.issuers.defaultAudiences), false)
})

test('IF-25: every configuration leaf has its WIFKIT_ variable and value kind', () => {
  assert.deepEqual(
    configLeaves().map((l) => [l.path.join('.'), l.envName, l.kind]),
    [
      ['storage', 'WIFKIT_STORAGE', 'string'],
      ['public.listen', 'WIFKIT_PUBLIC_LISTEN', 'string'],
      ['public.url', 'WIFKIT_PUBLIC_URL', 'string'],
      ['public.tls.cert', 'WIFKIT_PUBLIC_TLS_CERT', 'string'],
      ['public.tls.key', 'WIFKIT_PUBLIC_TLS_KEY', 'string'],
      ['admin.listen', 'WIFKIT_ADMIN_LISTEN', 'string'],
      ['admin.tls.cert', 'WIFKIT_ADMIN_TLS_CERT', 'string'],
      ['admin.tls.key', 'WIFKIT_ADMIN_TLS_KEY', 'string'],
      ['keys.kekFile', 'WIFKIT_KEYS_KEKFILE', 'string'],
      ['keys.algorithm', 'WIFKIT_KEYS_ALGORITHM', 'string'],
      ['keys.prePublishSeconds', 'WIFKIT_KEYS_PREPUBLISHSECONDS', 'number'],
      ['keys.rotationIntervalDays', 'WIFKIT_KEYS_ROTATIONINTERVALDAYS', 'number'],
      ['issuers.maxTokenExpirationSeconds', 'WIFKIT_ISSUERS_MAXTOKENEXPIRATIONSECONDS', 'number'],
      ['issuers.defaultAudiences', 'WIFKIT_ISSUERS_DEFAULTAUDIENCES', 'list'],
      ['sts.tokenLifetimeSeconds', 'WIFKIT_STS_TOKENLIFETIMESECONDS', 'number'],
      ['sts.maxCredentialsPerIdentity', 'WIFKIT_STS_MAXCREDENTIALSPERIDENTITY', 'number'],
      ['sts.assertionSkewSeconds', 'WIFKIT_STS_ASSERTIONSKEWSECONDS', 'number'],
      ['sts.maxAssertionLifetimeSeconds', 'WIFKIT_STS_MAXASSERTIONLIFETIMESECONDS', 'number'],
      ['sts.revealMatchDetails', 'WIFKIT_STS_REVEALMATCHDETAILS', 'boolean'],
      ['sts.issuerFetchTimeoutSeconds', 'WIFKIT_STS_ISSUERFETCHTIMEOUTSECONDS', 'number'],
      ['sts.issuerAllowList', 'WIFKIT_STS_ISSUERALLOWLIST', 'list'],
      ['vaults.resource', 'WIFKIT_VAULTS_RESOURCE', 'string'],
      ['vaults.defaultRetentionDays', 'WIFKIT_VAULTS_DEFAULTRETENTIONDAYS', 'number'],
      ['vaults.purgeIntervalSeconds', 'WIFKIT_VAULTS_PURGEINTERVALSECONDS', 'number'],
      ['cache.maxStalenessSeconds', 'WIFKIT_CACHE_MAXSTALENESSSECONDS', 'number'],
      ['cache.versionCheckMs', 'WIFKIT_CACHE_VERSIONCHECKMS', 'number'],
      ['cache.maxEntries', 'WIFKIT_CACHE_MAXENTRIES', 'number'],
      ['limits.tokenBodyBytes', 'WIFKIT_LIMITS_TOKENBODYBYTES', 'number'],
      ['limits.maxAssertionBytes', 'WIFKIT_LIMITS_MAXASSERTIONBYTES', 'number'],
      ['limits.adminBodyBytes', 'WIFKIT_LIMITS_ADMINBODYBYTES', 'number'],
      ['limits.vaultBodyBytes', 'WIFKIT_LIMITS_VAULTBODYBYTES', 'number'],
      ['limits.maxJsonDepth', 'WIFKIT_LIMITS_MAXJSONDEPTH', 'number'],
      ['limits.maxFormFields', 'WIFKIT_LIMITS_MAXFORMFIELDS', 'number'],
      ['limits.maxHeaderBytes', 'WIFKIT_LIMITS_MAXHEADERBYTES', 'number'],
      ['limits.headersTimeoutMs', 'WIFKIT_LIMITS_HEADERSTIMEOUTMS', 'number'],
      ['limits.requestTimeoutMs', 'WIFKIT_LIMITS_REQUESTTIMEOUTMS', 'number'],
      ['limits.idleSocketTimeoutMs', 'WIFKIT_LIMITS_IDLESOCKETTIMEOUTMS', 'number'],
      ['limits.keepAliveTimeoutMs', 'WIFKIT_LIMITS_KEEPALIVETIMEOUTMS', 'number'],
      ['limits.maxRequestsPerSocket', 'WIFKIT_LIMITS_MAXREQUESTSPERSOCKET', 'number'],
      ['limits.maxConcurrentIssuerFetches', 'WIFKIT_LIMITS_MAXCONCURRENTISSUERFETCHES', 'number'],
      ['rateLimit.enabled', 'WIFKIT_RATELIMIT_ENABLED', 'boolean'],
      ['rateLimit.clientIdPerSecond', 'WIFKIT_RATELIMIT_CLIENTIDPERSECOND', 'number'],
      ['rateLimit.clientIdBurst', 'WIFKIT_RATELIMIT_CLIENTIDBURST', 'number'],
      ['rateLimit.addressPerSecond', 'WIFKIT_RATELIMIT_ADDRESSPERSECOND', 'number'],
      ['rateLimit.addressBurst', 'WIFKIT_RATELIMIT_ADDRESSBURST', 'number'],
      ['rateLimit.adminTokenPerSecond', 'WIFKIT_RATELIMIT_ADMINTOKENPERSECOND', 'number'],
      ['rateLimit.adminTokenBurst', 'WIFKIT_RATELIMIT_ADMINTOKENBURST', 'number'],
      ['rateLimit.maxTrackedKeys', 'WIFKIT_RATELIMIT_MAXTRACKEDKEYS', 'number'],
      ['log.level', 'WIFKIT_LOG_LEVEL', 'string'],
    ],
  )
})
