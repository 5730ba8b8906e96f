import { posix } from 'node:path'
import { UsageError } from '../errors/index.js'
import {
  DEFAULT_SERVICE_ACCOUNT,
  type Container,
  type Pod,
  type Volume,
  type VolumeMount,
} from '../webhook/index.js'

/**
 * One `serviceAccountToken` source of a mounted projected volume: what to ask the mint API for
 * (IF-40) and every path, inside the containers, where the token appears (WL-33, WL-35).
 */
export interface ProjectedToken {
  volume: string
  namespace: string
  serviceAccount: string
  /** Absent means the issuer's default audience, as kube-apiserver uses its own. */
  audience?: string
  expirationSeconds: number
  /** File mode: the volume's `defaultMode`, else the API default 0644 (WL-34, WL-57). */
  mode: number
  /** Absolute container paths, sorted and without duplicates. */
  files: string[]
}

/** The API server defaults a projection's `expirationSeconds` to one hour (issuer.md §4). */
const DEFAULT_PROJECTION_SECONDS = 3600
/** The API default of `projected.defaultMode`; WL-34 forbids the webhook to change it. */
const DEFAULT_MODE = 0o644

/** Where `path` of `volume` shows up through one mount; `undefined` when a subPath hides it. */
function pathThroughMount(mount: VolumeMount, path: string): string | undefined {
  const subPath = typeof mount.subPath === 'string' ? mount.subPath.replace(/\/+$/, '') : ''
  if (subPath === '') return posix.join(mount.mountPath, path)
  if (subPath === path) return posix.normalize(mount.mountPath)
  if (path.startsWith(`${subPath}/`))
    return posix.join(mount.mountPath, path.slice(subPath.length + 1))
  return undefined
}

/** Kubernetes path validation: no `..` element, so nothing lands outside ROOT. */
function checkPath(what: string, path: string, relative: boolean): void {
  const climbs = path.split('/').includes('..')
  if (climbs || (relative && (path === '' || path.startsWith('/'))))
    throw new UsageError(
      `${what} must be ${relative ? 'relative and ' : ''}without "..", got ${JSON.stringify(path)}`,
    )
}

function allContainers(pod: Pod): Container[] {
  const spec = pod.spec ?? {}
  const ephemeral = Array.isArray(spec.ephemeralContainers)
    ? (spec.ephemeralContainers as Container[])
    : []
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...ephemeral]
}

function mountsOf(volume: Volume, containers: readonly Container[]): VolumeMount[] {
  const mounts = containers.flatMap((c) =>
    (c.volumeMounts ?? []).filter((m) => m.name === volume.name),
  )
  for (const m of mounts) {
    checkPath(`mount of ${volume.name}: mountPath`, m.mountPath, false)
    if (typeof m.subPath === 'string')
      checkPath(`mount of ${volume.name}: subPath`, m.subPath, false)
  }
  return mounts
}

/**
 * The tokens a kubelet would project for `pod`: every `serviceAccountToken` source of a
 * `projected` volume that at least one container mounts. Unmounted volumes are ignored, as the
 * kubelet materialises only what some container sees. Pure: the pod is only read.
 *
 * @throws UsageError when a projected path is absolute or climbs out of its volume.
 */
export function projectedTokens(pod: Pod): ProjectedToken[] {
  const namespace = pod.metadata?.namespace || 'default'
  const serviceAccount = pod.spec?.serviceAccountName || DEFAULT_SERVICE_ACCOUNT
  const containers = allContainers(pod)
  const tokens: ProjectedToken[] = []
  for (const volume of pod.spec?.volumes ?? []) {
    if (!volume.projected) continue
    const mounts = mountsOf(volume, containers)
    if (mounts.length === 0) continue
    const defaultMode = volume.projected.defaultMode
    for (const source of volume.projected.sources ?? []) {
      const projection = source.serviceAccountToken
      if (!projection) continue
      checkPath(`volume ${volume.name}: serviceAccountToken.path`, projection.path, true)
      const files = mounts
        .map((m) => pathThroughMount(m, projection.path))
        .filter((f): f is string => f !== undefined)
      if (files.length === 0) continue
      tokens.push({
        volume: volume.name,
        namespace,
        serviceAccount,
        ...(projection.audience ? { audience: projection.audience } : {}),
        expirationSeconds: projection.expirationSeconds ?? DEFAULT_PROJECTION_SECONDS,
        mode: typeof defaultMode === 'number' ? defaultMode : DEFAULT_MODE,
        files: [...new Set(files)].sort(),
      })
    }
  }
  return tokens
}
