import type { Kysely, Migration } from 'kysely'

/**
 * Where ARM addresses a user-assigned managed identity (IF-34): its folded
 * `{subscription}/{resourceGroup}/{name}`, unique per tenant, and its ARM-only attributes
 * (original spelling, location, tags) as JSON. Both stay null for every other application.
 */
export const managedIdentities = (): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds a single column.
    await db.schema.alterTable('applications').addColumn('arm_key', 'varchar(256)').execute()
    await db.schema.alterTable('applications').addColumn('arm_resource', 'text').execute()
    await db.schema
      .createIndex('applications_by_arm_key')
      .on('applications')
      .columns(['tenant_id', 'arm_key'])
      .unique()
      .execute()
  },
})
