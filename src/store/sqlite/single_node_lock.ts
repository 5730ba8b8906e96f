import type { Exclusively } from '../store.js'

/**
 * `Store.exclusively` on SQLite: `work` simply runs. A SQLite file serves one node (docs/storage.md,
 * ADR 0009), so there is no other node to keep out, and concurrent writers within it are already
 * serialised by SQLite's single write lock; rotation stays correct through its transaction.
 */
export const runOnSingleNode: Exclusively = async (_lock, work) => ({
  ran: true,
  value: await work(),
})
