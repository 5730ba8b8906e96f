// PostgreSQL returns bigint columns as strings; Number() is exact for epoch seconds and counts.

/** A bigint or integer column as a number. */
export const num = (v: number | string): number => Number(v)

/** A nullable bigint or integer column as a number or null. */
export const numOrNull = (v: number | string | null): number | null =>
  v === null ? null : Number(v)
