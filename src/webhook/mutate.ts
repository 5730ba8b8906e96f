import { sha256Hex } from '../util/index.js'
import {
  CLIENT_ID_ANNOTATION,
  ENV_AUTHORITY_HOST,
  ENV_CLIENT_ID,
  ENV_FEDERATED_TOKEN_FILE,
  ENV_TENANT_ID,
  ENV_TOKEN_CREDENTIALS,
  GENERATE_NAME_SUFFIX,
  LAYOUTS,
  PROXY_ANNOTATIONS,
  RESERVED_VOLUME_HASH_CHARS,
  RESERVED_VOLUME_PREFIX,
  SKIP_CONTAINERS_ANNOTATION,
  TENANT_ID_ANNOTATION,
  TOKEN_CREDENTIALS_VALUE,
  USE_LABEL,
  USE_LABEL_VALUE,
  USE_SUFFIX_ANNOTATION_PREFIX,
} from './constants.js'
import { jsonEqual } from './json_patch.js'
import { resolveTokenExpiration } from './token_expiration.js'
import type {
  Container,
  EnvVar,
  MutationConfig,
  Pod,
  ServiceAccount,
  Volume,
  VolumeMount,
} from './types.js'

/** The mutated pod plus what was done and why; `warnings` go to the AdmissionResponse (WL-45). */
export interface Mutation {
  pod: Pod
  /** Human lines: what was injected, or why something was skipped. */
  decisions: string[]
  warnings: string[]
}

/**
 * Wires a pod for workload identity (workload.md §3). Pure: the input is not modified, and the
 * result adds only what is missing and replaces by name, so mutating the result again changes
 * nothing (WL-37, WL-38). Fields outside §3.1–§3.2 are never touched (WL-39).
 *
 * @throws WebhookError when the token expiration annotation is invalid (WL-43).
 */
export function mutatePod(
  pod: Pod,
  serviceAccount: ServiceAccount,
  config: MutationConfig,
): Mutation {
  const decisions: string[] = []
  const warnings: string[] = []
  const out = structuredClone(pod)
  const podAnnotations = pod.metadata?.annotations ?? {}
  const saAnnotations = serviceAccount.metadata?.annotations ?? {}
  const saRef = `${serviceAccount.metadata?.namespace ?? ''}/${serviceAccount.metadata?.name ?? ''}`

  // WL-23: re-check the label, in case the objectSelector is wrong; WL-1: an SA label does nothing.
  const label = pod.metadata?.labels?.[USE_LABEL]
  if (label !== USE_LABEL_VALUE) {
    decisions.push(
      label === undefined
        ? `skipped: pod has no ${USE_LABEL} label`
        : `skipped: pod label ${USE_LABEL} is ${JSON.stringify(label)}, not "true"`,
    )
    return { pod: out, decisions, warnings }
  }

  const expiration = resolveTokenExpiration(podAnnotations, saAnnotations)
  decisions.push(`token expiration ${expiration.seconds}s (from ${expiration.source})`)
  for (const key of Object.keys(podAnnotations)) {
    if (PROXY_ANNOTATIONS.includes(key)) {
      warnings.push(`annotation ${key} is not supported and was ignored`)
      decisions.push(`ignored: ${key} (proxy sidecar not supported)`)
    } else if (key.startsWith(USE_SUFFIX_ANNOTATION_PREFIX)) {
      decisions.push(`ignored: ${key} (custom token endpoints not supported)`)
    }
  }

  const layout = LAYOUTS[config.tokenLayout]
  const volumeName = layout.volumeName ?? reservedVolumeName(pod)
  const env = desiredEnv(saAnnotations, config, `${layout.mountPath}/${layout.tokenPath}`)
  if (saAnnotations[CLIENT_ID_ANNOTATION] === undefined) {
    warnings.push(`service account ${saRef} has no ${CLIENT_ID_ANNOTATION} annotation`)
    decisions.push(`not injected: ${ENV_CLIENT_ID} (no ${CLIENT_ID_ANNOTATION} annotation)`)
  }
  for (const name of [ENV_CLIENT_ID, ENV_TENANT_ID, ENV_AUTHORITY_HOST]) {
    if (env.some((e) => e.name === name)) continue
    if (name !== ENV_CLIENT_ID || saAnnotations[CLIENT_ID_ANNOTATION] !== undefined) {
      decisions.push(`not injected: ${name} (its value would be empty)`) // WL-31
    }
  }

  const skip = skippedContainers(podAnnotations[SKIP_CONTAINERS_ANNOTATION])
  const mount: VolumeMount = { name: volumeName, mountPath: layout.mountPath, readOnly: true }
  const spec = out.spec ?? {}
  for (const list of [spec.initContainers, spec.containers]) {
    for (const container of list ?? []) {
      if (skip.has(container.name)) {
        decisions.push(
          `container ${container.name}: skipped (listed in ${SKIP_CONTAINERS_ANNOTATION})`,
        )
        continue
      }
      addEnv(container, env, decisions, warnings)
      addMount(container, mount, config, decisions)
    }
  }

  const volume: Volume = {
    name: volumeName,
    projected: {
      // WL-33: exactly one source; WL-34: no defaultMode.
      sources: [
        {
          serviceAccountToken: {
            path: layout.tokenPath,
            expirationSeconds: expiration.seconds,
            audience: config.audience,
          },
        },
      ],
    },
  }
  if (out.spec) addVolume(out.spec, volume, config, decisions)
  return { pod: out, decisions, warnings }
}

/** §3.2: the reserved prefix plus 30 hex chars of SHA-256 of the pod name (63 chars). */
function reservedVolumeName(pod: Pod): string {
  const name = pod.metadata?.name
  const podName = name ? name : `${pod.metadata?.generateName ?? ''}${GENERATE_NAME_SUFFIX}`
  return RESERVED_VOLUME_PREFIX + sha256Hex(podName).slice(0, RESERVED_VOLUME_HASH_CHARS)
}

/** §3.1 in order; WL-31 drops empty values. An absent tenant-id falls back to the webhook's (§2). */
function desiredEnv(
  sa: Readonly<Record<string, string>>,
  config: MutationConfig,
  tokenFile: string,
): EnvVar[] {
  const tenant = sa[TENANT_ID_ANNOTATION] ?? config.tenantId
  const all: [string, string | undefined][] = [
    [ENV_CLIENT_ID, sa[CLIENT_ID_ANNOTATION]],
    [ENV_TENANT_ID, tenant],
    [ENV_FEDERATED_TOKEN_FILE, tokenFile],
    [ENV_AUTHORITY_HOST, config.authorityHost],
  ]
  if (config.injectTokenCredentials) all.push([ENV_TOKEN_CREDENTIALS, TOKEN_CREDENTIALS_VALUE])
  return all.filter((e): e is [string, string] => !!e[1]).map(([name, value]) => ({ name, value }))
}

/** §2: names separated by `;`, each trimmed, empty entries ignored. */
function skippedContainers(raw: string | undefined): Set<string> {
  return new Set(
    (raw ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
}

/** WL-30: add a variable only if no entry has its name; never overwrite (warn if it differs). */
function addEnv(c: Container, env: readonly EnvVar[], decisions: string[], warnings: string[]) {
  for (const want of env) {
    const have = c.env?.find((e) => e.name === want.name)
    if (have === undefined) {
      c.env = [...(c.env ?? []), { ...want }]
      decisions.push(`container ${c.name}: injected ${want.name}`)
    } else if (have.valueFrom !== undefined || have.value !== want.value) {
      warnings.push(`container ${c.name} keeps its own ${want.name}`)
      decisions.push(`container ${c.name}: kept existing ${want.name}`)
    }
  }
}

/** WL-35, WL-36: v1.6 replaces a differing mount of that name; v1.5 keeps any mount of that name. */
function addMount(c: Container, mount: VolumeMount, config: MutationConfig, decisions: string[]) {
  const mounts = c.volumeMounts ?? []
  const index = mounts.findIndex((m) => m.name === mount.name)
  if (index === -1) {
    c.volumeMounts = [...mounts, { ...mount }]
    decisions.push(`container ${c.name}: mounted ${mount.name} at ${mount.mountPath}`)
  } else if (config.tokenLayout === 'v1.6' && !jsonEqual(mounts[index], mount)) {
    mounts[index] = { ...mount }
    decisions.push(`container ${c.name}: replaced mount ${mount.name}`)
  }
}

/** WL-36: v1.6 replaces a differing volume of that name; v1.5 skips if the token path is taken. */
function addVolume(
  spec: NonNullable<Pod['spec']>,
  volume: Volume,
  config: MutationConfig,
  decisions: string[],
) {
  const volumes = spec.volumes ?? []
  const path = volume.projected?.sources?.[0]?.serviceAccountToken?.path
  if (config.tokenLayout === 'v1.5') {
    const taken = volumes.some((v) =>
      v.projected?.sources?.some((s) => s.serviceAccountToken?.path === path),
    )
    if (taken) {
      decisions.push(`volume skipped: a projected token already uses path ${path}`)
      return
    }
  }
  const index = volumes.findIndex((v) => v.name === volume.name)
  if (index === -1) {
    spec.volumes = [...volumes, volume]
    decisions.push(`added projected token volume ${volume.name}`)
  } else if (!jsonEqual(volumes[index], volume)) {
    volumes[index] = volume
    decisions.push(`replaced volume ${volume.name}`)
  }
}
