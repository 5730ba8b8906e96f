import { randomUUID } from 'node:crypto'
import { GraphError } from '../../errors/index.js'
import type { ApplicationRecord, FederatedCredentialRecord, Store } from '../../store/index.js'
import { validateFicPatch, validateNewFic, type FicFields } from '../fic_rules.js'
import { auditedWrite, nowSeconds, type DirectoryContext } from './context.js'
import { findApplication, kindName, type ApplicationRef } from './lookups.js'

type StoredFicFields = Pick<
  FederatedCredentialRecord,
  'name' | 'issuer' | 'subject' | 'audience' | 'description'
>

function ficFields(fic: FederatedCredentialRecord): FicFields {
  const { name, issuer, subject, audience, description } = fic
  return { name, issuer, subject, audiences: [audience], description }
}

function fromFicFields(fields: FicFields): StoredFicFields {
  const [audience] = fields.audiences
  if (audience === undefined) throw new TypeError('validated fields hold exactly one audience')
  const { name, issuer, subject, description } = fields
  return { name, issuer, subject, audience, description }
}

/** By id, or by name compared case-insensitively (STS-61); a 404 names the application. */
function pickCredential(
  fics: readonly FederatedCredentialRecord[],
  app: ApplicationRecord,
  idOrName: string,
): FederatedCredentialRecord {
  const key = idOrName.toLowerCase()
  const fic = fics.find((f) => f.id === key) ?? fics.find((f) => f.name.toLowerCase() === key)
  if (!fic) {
    throw GraphError.notFound(
      `federatedIdentityCredential '${idOrName}' does not exist on ${kindName(app.kind)} ${app.appId}`,
    )
  }
  return fic
}

/** The federated credentials of the application `ref` names. */
export async function listCredentials(
  s: Store,
  tenantId: string,
  ref: ApplicationRef,
): Promise<FederatedCredentialRecord[]> {
  const app = await findApplication(s, tenantId, ref)
  return s.directory.credentials(app.id)
}

/** One credential of the application `ref` names, picked by id or name (STS-61). */
export async function findCredential(
  s: Store,
  tenantId: string,
  ref: ApplicationRef,
  idOrName: string,
): Promise<FederatedCredentialRecord> {
  const app = await findApplication(s, tenantId, ref)
  return pickCredential(await s.directory.credentials(app.id), app, idOrName)
}

/** Adds a federated credential, within the deployment's per-identity limit (STS-67). */
export async function addCredential(
  ctx: DirectoryContext,
  tenantId: string,
  ref: ApplicationRef,
  body: unknown,
): Promise<FederatedCredentialRecord> {
  return auditedWrite(ctx, 'federatedIdentityCredential.create', async (s) => {
    const app = await findApplication(s, tenantId, ref)
    const existing = await s.directory.credentials(app.id)
    const fields = validateNewFic(body, existing, {
      maxPerIdentity: ctx.options.maxCredentialsPerIdentity,
      allowHttpLoopback: ctx.options.allowHttpLoopback,
    })
    const fic = {
      ...fromFicFields(fields),
      id: randomUUID(),
      applicationId: app.id,
      createdAt: nowSeconds(ctx),
    }
    await s.directory.insertCredential(fic)
    return { result: fic, target: fic.id }
  })
}

/** PATCH (IF-33): issuer, subject, audiences and description; never the name. */
export async function updateCredential(
  ctx: DirectoryContext,
  tenantId: string,
  ref: ApplicationRef,
  idOrName: string,
  patch: unknown,
): Promise<FederatedCredentialRecord> {
  return auditedWrite(ctx, 'federatedIdentityCredential.update', async (s) => {
    const app = await findApplication(s, tenantId, ref)
    const existing = await s.directory.credentials(app.id)
    const current = pickCredential(existing, app, idOrName)
    const fields = validateFicPatch(ficFields(current), patch, existing, {
      allowHttpLoopback: ctx.options.allowHttpLoopback,
    })
    const updated = { ...current, ...fromFicFields(fields) }
    await s.directory.updateCredential(updated)
    return { result: updated, target: updated.id }
  })
}

/** Removes the credential named by id or, case-insensitively, by name. */
export async function removeCredential(
  ctx: DirectoryContext,
  tenantId: string,
  ref: ApplicationRef,
  idOrName: string,
): Promise<void> {
  await auditedWrite(ctx, 'federatedIdentityCredential.delete', async (s) => {
    const app = await findApplication(s, tenantId, ref)
    const fic = pickCredential(await s.directory.credentials(app.id), app, idOrName)
    await s.directory.deleteCredential(fic.id)
    return { result: undefined, target: fic.id }
  })
}
