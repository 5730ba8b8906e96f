import pino, { type Logger } from 'pino'

/**
 * The JSON logger (IF-24). Redaction is a second line of defence: code never passes tokens, keys
 * or assertions to the logger, and these paths blank them if a request object slips through.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.token',
          '*.adminToken',
          '*.client_assertion',
          '*.subject_token',
          '*.privateKey',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  )
}
