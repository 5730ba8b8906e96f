import { readFile } from 'node:fs/promises'
import { Agent } from 'undici'

/** A fetch that trusts one extra CA (the dev CA), as a workload with NODE_EXTRA_CA_CERTS would. */
export async function trustingFetch(
  caFile: string,
): Promise<{ fetch: typeof fetch; close: () => Promise<void> }> {
  const agent = new Agent({ connect: { ca: await readFile(caFile, 'utf8') } })
  const fetchWithCa = ((input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit)) as typeof fetch
  return { fetch: fetchWithCa, close: () => agent.close() }
}
