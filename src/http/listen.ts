/** Splits `HOST:PORT` (or `[IPv6]:PORT`) as the config schema accepts it. */
export function parseListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':')
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1')
  return { host: host === '' ? '0.0.0.0' : host, port: Number(listen.slice(at + 1)) }
}
