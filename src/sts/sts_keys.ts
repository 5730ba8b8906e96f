import { scheduledRotationDue, type KeyService, type RotationPolicy } from '../keys/index.js'
import { epochSeconds, type Clock } from '../util/index.js'
import { STS_KEY_OWNER } from './token_service.js'

/** Makes sure the STS has a signing key; the very first one signs at once (STS-21, STS-22). */
export async function ensureStsKey(keys: KeyService): Promise<void> {
  if ((await keys.keys(STS_KEY_OWNER)).length > 0) return
  await keys.addKey(STS_KEY_OWNER, 'RS256', { prePublishSeconds: 0, requiresVerification: false })
}

/**
 * STS-23: the STS keys follow the issuer rotation rules (ISS-90…ISS-96) with the access-token
 * lifetime as the bound: scheduled rotation publishes a pending key first, and a retired key is
 * destroyed once every token it signed has expired.
 */
export async function maintainStsKeys(
  keys: KeyService,
  policy: RotationPolicy,
  clock: Clock,
  schedule: { rotationIntervalDays: number; prePublishSeconds: number },
): Promise<string[]> {
  const events: string[] = []
  const current = await keys.schedule(STS_KEY_OWNER, policy)
  if (scheduledRotationDue(current, epochSeconds(clock), schedule.rotationIntervalDays * 86400)) {
    const { plan } = await keys.rotate(STS_KEY_OWNER, 'RS256', policy, {
      emergency: false,
      prePublishSeconds: schedule.prePublishSeconds,
      requiresVerification: false,
    })
    if (plan.ok) events.push('sts: scheduled rotation added a pending key')
  }
  for (const kid of await keys.removeExpired(STS_KEY_OWNER, policy)) {
    events.push(`sts: retired key ${kid} removed`)
  }
  return events
}
