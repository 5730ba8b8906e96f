// Properties of the SDK's parsing (WL-60, WL-64, WL-65, WL-66, CL-30…CL-35, sts.md §5.5) over
// arbitrary input: environment, token files, token responses and claims challenges; rules.test.ts
// and options.test.ts pin the named cases. Run bounds and replay: test/support/properties.ts.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import fc from 'fast-check'
import { requestClaims } from '../../../src/sdk/claims.js'
import { CredentialUnavailableError } from '../../../src/sdk/errors.js'
import { resolveIdentity, tenantFor } from '../../../src/sdk/options.js'
import { retryDelayMs } from '../../../src/sdk/retry_delay.js'
import { TokenFile } from '../../../src/sdk/token_file.js'
import { parseTokenResponse } from '../../../src/sdk/token_response.js'
import { jsonLike, returnsOrThrows, runs, trickyString } from '../../support/properties.js'

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const setting = maybe(
  fc.oneof(fc.constantFrom('', 'client-1', 'https://sts.example.com/x/'), trickyString),
)

test('WL-60: any options and environment resolve to a complete identity or CredentialUnavailableError', () => {
  fc.assert(
    fc.property(
      fc.record({
        clientId: setting,
        tenantId: setting,
        tokenFilePath: setting,
        authorityHost: setting,
      }),
      fc.record({
        AZURE_CLIENT_ID: setting,
        AZURE_TENANT_ID: setting,
        AZURE_FEDERATED_TOKEN_FILE: setting,
        AZURE_AUTHORITY_HOST: setting,
      }),
      maybe(fc.array(fc.oneof(fc.constant('*'), trickyString), { maxLength: 2 })),
      trickyString,
      (options, env, additionallyAllowedTenants, requested) => {
        const identity = returnsOrThrows(
          () => resolveIdentity({ ...options, additionallyAllowedTenants }, env),
          CredentialUnavailableError,
        )
        if (identity === undefined) return
        for (const value of [identity.clientId, identity.tenantId, identity.tokenFilePath]) {
          assert.ok(value !== '')
        }
        assert.ok(
          identity.authorityHost.startsWith('https://') && !identity.authorityHost.endsWith('/'),
        )
        const tenant = returnsOrThrows(
          () => tenantFor(identity, requested),
          CredentialUnavailableError,
        )
        if (tenant !== undefined) assert.ok(tenant === identity.tenantId || tenant === requested)
      },
    ),
    runs(300),
  )
})

test('CL-30…CL-35: any token response body is a usable Bearer response or a reason, never a throw', () => {
  const member = fc.oneof(jsonLike, trickyString, fc.integer({ min: -1, max: 10_000 }))
  const body = fc.oneof(
    jsonLike,
    fc.record(
      {
        access_token: fc.oneof(fc.constant('eyJ.eyJ.sig'), member),
        expires_in: fc.oneof(fc.constantFrom(3599, '3599'), member),
        token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'pop'), member),
        refresh_in: member,
        ext_expires_in: member,
      },
      { requiredKeys: [] },
    ),
  )
  fc.assert(
    fc.property(body, (b) => {
      const parsed = parseTokenResponse(b)
      if (typeof parsed === 'string') return
      assert.ok(parsed.access_token !== '' && Number.isInteger(parsed.expires_in))
      assert.ok(parsed.expires_in >= 0 && parsed.token_type === 'Bearer')
    }),
    runs(400),
  )
})

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

test('sts.md §5.5: with CAE, a challenge object gains cp1 and keeps its members; others pass as sent', () => {
  const challenge = maybe(
    fc.oneof(
      trickyString,
      jsonLike.map((v) => JSON.stringify(v)),
    ),
  )
  fc.assert(
    fc.property(fc.boolean(), challenge, (cae, c) => {
      const claims = requestClaims(cae, c)
      const asked = c === undefined ? {} : parsedOrNull(c)
      if (!cae || !isObject(asked)) return assert.equal(claims, c)
      const sent = JSON.parse(claims ?? '') as Record<string, unknown>
      assert.ok(isObject(sent.access_token))
      assert.deepEqual(sent.access_token.xms_cc, { values: ['cp1'] })
      for (const [key, value] of Object.entries(asked)) {
        if (key !== 'access_token') assert.deepEqual(sent[key], value)
      }
    }),
    runs(300),
  )
})

test('WL-65: any Retry-After yields a delay from 0 to 60 s', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.option(
        fc.oneof(
          trickyString,
          fc.nat().map(String),
          fc.date().map((d) => d.toUTCString()),
        ),
      ),
      (retry, header) => {
        const ms = retryDelayMs(retry, header, 1_800_000_000_000)
        assert.ok(Number.isFinite(ms) && ms >= 0 && ms <= 60_000, String(ms))
      },
    ),
    runs(300),
  )
})

const dir = await mkdtemp(join(tmpdir(), 'wifkit-token-file-'))
after(() => rm(dir, { recursive: true, force: true }))

test('WL-64, WL-66: any token file content reads as its trimmed text, or token_file_unreadable', async () => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => Buffer.from(s)),
        fc.constantFrom(' \n', 'eyJ.eyJ.sig\n', '\ufeffeyJ.eyJ.sig').map((s) => Buffer.from(s)),
        fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
      ),
      async (content) => {
        const path = join(dir, `token-${n++}`)
        await writeFile(path, content)
        const file = new TokenFile(path, () => 0)
        const want = content.toString('utf8').trim()
        try {
          assert.equal(await file.read(), want)
        } catch (error) {
          assert.ok(error instanceof CredentialUnavailableError, String(error))
          assert.equal(error.reason, 'token_file_unreadable')
          assert.equal(want, '', 'only an empty file is unreadable here')
        }
      },
    ),
    runs(60),
  )
})
