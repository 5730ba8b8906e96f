import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The Prometheus registry of one server, with the HTTP metrics every listener records. */
export class HttpMetrics {
  readonly registry = new Registry()
  readonly #requests: Counter<'listener' | 'method' | 'route' | 'status'>
  readonly #duration: Histogram<'listener' | 'route'>
  readonly #series = new Map<
    string,
    {
      requests: ReturnType<Counter<string>['labels']>
      duration: ReturnType<Histogram<string>['labels']>
    }
  >()

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'wifkit_' })
    this.#requests = new Counter({
      name: 'wifkit_http_requests_total',
      help: 'HTTP requests answered, by listener, method, route pattern and status.',
      labelNames: ['listener', 'method', 'route', 'status'],
      registers: [this.registry],
    })
    this.#duration = new Histogram({
      name: 'wifkit_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by listener and route pattern.',
      labelNames: ['listener', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    })
  }

  observe(
    listener: string,
    method: string,
    route: string,
    status: number,
    elapsedMs: number,
  ): void {
    this.#requests.inc({ listener, method, route, status: String(status) })
    this.#duration.observe({ listener, route }, elapsedMs / 1000)
  }

  /** A counter registered on this server's registry. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] })
  }
}
