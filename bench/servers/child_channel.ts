// The child side of bench/server_process.ts: a server under test runs in its own process, so its
// CPU time in /proc is its own, and answers commands from the bench over the IPC channel.
import { CpuProfile } from './cpu_profile.js'

/** A command's handler: JSON in, JSON out. */
export type Handler = (args: never) => Promise<unknown>

interface Command {
  id: number
  command: string
  args: unknown
}

/**
 * Tells the parent the server is ready with `info`, then serves its commands. Every child
 * understands `profile-start`, `profile-stop` ({ top }) and `close`; `handlers` adds others.
 */
export function serveChannel(
  info: unknown,
  close: () => Promise<void>,
  handlers: Record<string, Handler> = {},
): void {
  let profile: CpuProfile | undefined
  const all: Record<string, (args: never) => Promise<unknown>> = {
    ...handlers,
    'profile-start': async () => {
      profile = new CpuProfile()
      await profile.start()
    },
    'profile-stop': async (args: { top: number }) => profile?.stop(args.top),
    close: async () => {
      await close()
      setImmediate(() => process.exit(0))
    },
  }
  process.on('message', (message: Command) => {
    const handler = all[message.command]
    const reply = handler
      ? handler(message.args as never)
      : Promise.reject(new Error(`unknown command ${message.command}`))
    reply.then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
    )
  })
  process.send?.({ ready: info })
}
