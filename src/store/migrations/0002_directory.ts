import type { Kysely, Migration } from 'kysely'
import { identityColumn, identityType, sortedText, type Dialect } from './dialect.js'

/** Tenants, applications and managed identities, their credentials and roles, the sign-in log. */
export const directory = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('display_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('domains', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('tenant_domains')
      .addColumn('domain', 'varchar(253)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(36)', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .execute()
    await db.schema
      .createTable('applications')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(36)', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .addColumn('app_id', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('principal_id', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('display_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('identifier_uris', 'text', (c) => c.notNull())
      .addColumn('app_roles', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('identifier_uris')
      .addColumn('uri', 'varchar(600)', (c) => c.notNull())
      .addColumn('tenant_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('application_id', 'varchar(36)', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('identifier_uris_pk', ['tenant_id', 'uri'])
      .execute()
    await db.schema
      .createTable('federated_credentials')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('application_id', 'varchar(36)', (c) =>
        c.notNull().references('applications.id').onDelete('cascade'),
      )
      .addColumn('name', 'varchar(120)', (c) => c.notNull())
      .addColumn('name_folded', 'varchar(120)', (c) => c.notNull())
      .addColumn('issuer', 'varchar(600)', (c) => c.notNull())
      .addColumn('subject', 'varchar(600)', (c) => c.notNull())
      .addColumn('audience', 'varchar(600)', (c) => c.notNull())
      .addColumn('description', 'varchar(600)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('fic_name_per_app', ['application_id', 'name_folded'])
      .addUniqueConstraint('fic_issuer_subject_per_app', ['application_id', 'issuer', 'subject'])
      .execute()
    await db.schema
      .createTable('app_role_assignments')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(36)', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .addColumn('principal_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('resource_app_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('role', sortedText(dialect, 120), (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('role_assignment_once', ['principal_id', 'resource_app_id', 'role'])
      .execute()
    await db.schema
      .createTable('sign_ins')
      .addColumn('id', identityType(dialect), identityColumn(dialect))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('tenant', 'varchar(253)', (c) => c.notNull())
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('grant_type', 'varchar(80)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('aadsts', 'integer')
      .addColumn('trace_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('correlation_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('sign_ins_by_time').on('sign_ins').column('at').execute()
  },
})
