// The admin API attack corpus (issue #9 item 4): hostile bodies, names, paths and queries, each with the Graph status and code interfaces.md §4 and sts.md §6 give it.
// admin_api.test.ts runs the table against one server.
import type { IssuerKey } from '../../support/external_issuer.js'
import {
  EXCHANGE_AUDIENCE,
  type Answer,
  type VaultHarness,
} from '../resource/vault_http_harness.js'
import { deepJson } from './wire_checks.js'

/** The server and directory the cases run against; filled in by the test file's `before`. */
export interface AdminCorpus {
  h: VaultHarness
  tenantId: string
  app: { id: string; appId: string }
  ficPath: string
  /** A key of the attacker's own, never published by the STS. */
  attacker: IssuerKey
}

export interface AdminCase {
  name: string
  send: () => Promise<Answer>
  status: number
  code: string
}

/** The admin API corpus: each request and the Graph status and code it must get. */
export function adminCases(c: AdminCorpus): AdminCase[] {
  const q = () => `?tenant=${c.tenantId}`
  /** Claims an admin access token would carry (interfaces.md §4), for forgeries to copy. */
  const newFic = (fields: Record<string, unknown>) =>
    c.h.admin('POST', `${c.ficPath}${q()}`, {
      name: 'corpus-fic',
      issuer: c.h.issuerUrl,
      subject: 'system:serviceaccount:default:other',
      audiences: [EXCHANGE_AUDIENCE],
      ...fields,
    })

  return [
    {
      name: 'a __proto__ member smuggling identifierUris (prototype poisoning, refused as unparseable)',
      send: () =>
        c.h.admin(
          'POST',
          `/v1.0/applications${q()}`,
          '{"displayName":"x","__proto__":{"identifierUris":["api://evil"]}}',
        ),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'a constructor.prototype member (prototype poisoning, refused as unparseable)',
      send: () =>
        c.h.admin(
          'POST',
          `/v1.0/applications${q()}`,
          '{"displayName":"x","constructor":{"prototype":{"enabled":false}}}',
        ),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'displayName of the wrong type (IF-30)',
      send: () => c.h.admin('POST', `/v1.0/applications${q()}`, { displayName: ['x'] }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'a body that is not JSON',
      send: () => c.h.admin('POST', `/v1.0/applications${q()}`, '{"displayName":'),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'JSON sent as text/plain (JSON bodies only)',
      send: () =>
        c.h.admin('POST', `/v1.0/applications${q()}`, '{"displayName":"x"}', {
          headers: { 'content-type': 'text/plain' },
        }),
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      name: 'a 300 KiB body',
      send: () =>
        c.h.admin('POST', `/v1.0/applications${q()}`, {
          displayName: 'x',
          pad: 'x'.repeat(300 * 1024),
        }),
      status: 413,
      code: 'BadRequest',
    },
    {
      name: 'JSON nested 10,000 deep, past limits.maxJsonDepth (issue #9 item 1)',
      send: () =>
        c.h.admin(
          'POST',
          `/v1.0/applications${q()}`,
          `{"displayName":"x","tags":${deepJson(10_000)}}`,
        ),
      status: 400,
      code: 'BadRequest',
    },
    {
      name: 'FIC name with path traversal ../../x (STS-61)',
      send: () => newFic({ name: '../../x' }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: "FIC name with SQL metacharacters x'--;DROP TABLE (STS-61)",
      send: () => newFic({ name: "x'--;DROP TABLE federated_credentials" }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC issuer over plain http (STS-62)',
      send: () => newFic({ issuer: 'http://evil.example' }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC issuer with an embedded newline (STS-62)',
      send: () => newFic({ issuer: `${c.h.issuerUrl}\n` }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC audiences mixing a number (STS-64)',
      send: () => newFic({ audiences: [1] }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC audiences as a bare string (STS-64)',
      send: () => newFic({ audiences: EXCHANGE_AUDIENCE }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC with two audiences (STS-64)',
      send: () => newFic({ audiences: [EXCHANGE_AUDIENCE, 'api://other'] }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC subject of 601 characters (STS-63)',
      send: () => newFic({ subject: 's'.repeat(601) }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC with claimsMatchingExpression (STS-69)',
      send: () => newFic({ claimsMatchingExpression: { value: "claims['sub'] matches '*'" } }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC repeating an existing issuer and subject (STS-66)',
      send: () => newFic({ subject: 'system:serviceaccount:default:corpus-api' }),
      status: 409,
      code: 'Request_MultipleObjectsWithSameKeyValue',
    },
    {
      name: 'PATCH renaming a FIC (IF-33: the name is immutable)',
      send: () => c.h.admin('PATCH', `${c.ficPath}/corpus-api-dev${q()}`, { name: 'renamed' }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'application id as a percent-encoded traversal ..%2F..%2Fadmin%2Fv1%2Ftenants (IF-31)',
      send: () => c.h.admin('GET', `/v1.0/applications/..%2F..%2Fadmin%2Fv1%2Ftenants${q()}`),
      status: 404,
      code: 'Request_ResourceNotFound',
    },
    {
      name: 'an appId key with SQL metacharacters, not a GUID (IF-31; Graph answers 400)',
      send: () => c.h.admin('DELETE', `/v1.0/applications(appId='x''%20or%20''1''=''1')${q()}`),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'FIC by a percent-encoded name ..%2Fcorpus-api-dev (IF-33)',
      send: () => c.h.admin('DELETE', `${c.ficPath}/..%2Fcorpus-api-dev${q()}`),
      status: 404,
      code: 'Request_ResourceNotFound',
    },
    {
      name: 'vault name with a percent-encoded traversal ..%2Fcorpus (IF-37, KV-4)',
      send: () => c.h.admin('PUT', `/admin/v1/vaults/..%2Fcorpus${q()}`, {}),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'vault name with a Cyrillic е look-alike (IF-37, KV-4)',
      send: () => c.h.admin('PUT', `/admin/v1/vaults/corpus-d%D0%B5v${q()}`, {}),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'vault role with SQL metacharacters (IF-37)',
      send: () =>
        c.h.admin('POST', `/admin/v1/vaults/corpus/roleAssignments${q()}`, {
          clientId: c.app.appId,
          role: "Key Vault Administrator' OR '1'='1",
        }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'issuer name with path traversal ../../etc (IF-36)',
      send: () =>
        c.h.admin('POST', '/admin/v1/issuers', {
          name: '../../etc',
          url: `${c.h.publicUrl}/issuers/etc`,
        }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: 'tenant domain with SQL metacharacters (IF-35)',
      send: () =>
        c.h.admin('POST', '/admin/v1/tenants', {
          displayName: 'x',
          domains: ["contoso.example'--"],
        }),
      status: 400,
      code: 'Request_BadRequest',
    },
    {
      name: '?tenant= with SQL metacharacters (interfaces.md §4)',
      send: () =>
        c.h.admin('POST', `/v1.0/applications?tenant=${encodeURIComponent("' or 1=1--")}`, {
          displayName: 'x',
        }),
      status: 404,
      code: 'Request_ResourceNotFound',
    },
  ]
}
