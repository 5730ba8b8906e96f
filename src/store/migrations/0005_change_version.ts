import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from './dialect.js'

/**
 * The tables whose rows nodes cache (issue #7, item 3) as of this migration: everything except
 * the sign-in and audit logs (append-only, never cached), secret values and their names (read
 * through on every vault request) and Kysely's migration bookkeeping. A later table that nodes
 * cache needs its own trigger in its own migration; test/store/change_feed.test.ts lists every
 * table as watched or not, so a new one cannot be forgotten silently.
 */
const WATCHED = [
  'issuers',
  'signing_keys',
  'admin_tokens',
  'deployment_settings',
  'tenants',
  'tenant_domains',
  'applications',
  'identifier_uris',
  'federated_credentials',
  'app_role_assignments',
  'vaults',
  'vault_role_assignments',
] as const

/**
 * One statement trigger per table on PostgreSQL. The counter is found through the trigger's own
 * table schema (TG_TABLE_SCHEMA), not the session's search_path, so a write from any session
 * bumps the right deployment's row when several share a database in separate schemas; the schema
 * is also the notification payload, so a listener ignores the other deployments' writes.
 * Notifications are delivered at commit and never for a rolled-back transaction (PostgreSQL
 * manual, NOTIFY), and identical ones of one transaction fold into one.
 */
async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function wifkit_bump_change_version() returns trigger language plpgsql as $body$
    begin
      execute format('update %I.change_version set version = version + 1 where id = 1', tg_table_schema);
      perform pg_notify('wifkit_changes', tg_table_schema);
      return null;
    end
    $body$`.execute(db)
  for (const table of WATCHED) {
    await sql`
      create trigger ${sql.id(`${table}_bump_change_version`)}
      after insert or update or delete or truncate on ${sql.id(table)}
      for each statement execute function wifkit_bump_change_version()`.execute(db)
  }
}

/** SQLite has row triggers only, so the counter grows by rows, not statements; only order matters. */
async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  for (const table of WATCHED) {
    for (const event of ['insert', 'update', 'delete'] as const) {
      await sql`
        create trigger ${sql.id(`${table}_bump_change_version_on_${event}`)}
        after ${sql.raw(event)} on ${sql.id(table)}
        begin
          update change_version set version = version + 1 where id = 1;
        end`.execute(db)
    }
  }
}

/**
 * The deployment-wide change counter that caches compare against (issue #7, item 3): one row,
 * bumped by triggers inside the writing transaction, so it moves exactly when a write to a
 * watched table commits, whichever process or tool made it.
 */
export const changeVersion = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('change_version')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute()
    await sql`insert into change_version (id, version) values (1, 0)`.execute(db)
    await (dialect === 'postgres' ? postgresTriggers(db) : sqliteTriggers(db))
  },
})
