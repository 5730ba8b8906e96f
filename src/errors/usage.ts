/**
 * A mistake of the person running a command (bad flag, missing file, unknown issuer). The CLI
 * prints the message as one line and exits 1 (IF-3); anything else exits 2.
 */
export class UsageError extends Error {}
