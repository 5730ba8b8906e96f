import { randomUUID } from 'node:crypto'
import type { ApplicationRecord } from '../src/store/index.js'

/** An enabled application of the bench's tenant with fresh GUIDs; `fields` override any part. */
export function benchApplication(
  tenantId: string,
  createdAt: number,
  fields: Partial<ApplicationRecord> = {},
): ApplicationRecord {
  return {
    id: randomUUID(),
    tenantId,
    appId: randomUUID(),
    principalId: randomUUID(),
    kind: 'application',
    displayName: 'bench',
    enabled: true,
    identifierUris: [],
    appRoles: [],
    createdAt,
    ...fields,
  }
}
