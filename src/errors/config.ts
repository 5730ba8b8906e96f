/** One configuration problem, located by its key path (e.g. `public.url`). */
export interface ConfigIssue {
  path: string
  message: string
}

/** The configuration is unusable; every problem found is listed, not only the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[]
  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'))
    this.issues = issues
  }
}
