// What the crash test reads from the database itself once the server has stopped (issue #9
// item 6): the engine's own checks on SQLite, and on both backends queries that find rows a
// write cut in half would leave behind.
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

/** Each query counts rows that must not exist; its name says what such a row would be. */
const ORPHANS: Record<string, string> = {
  'secret versions without their secret': `select count(*) as n from secret_versions v
     where not exists (select 1 from secrets s where s.id = v.secret_id)`,
  'secrets without any version': `select count(*) as n from secrets s
     where not exists (select 1 from secret_versions v where v.secret_id = s.id)`,
  'secret versions with an empty sealed value or data key': `select count(*) as n
     from secret_versions where value_sealed = '' or data_key_wrapped = ''`,
  'credentials without their application': `select count(*) as n from federated_credentials f
     where not exists (select 1 from applications a where a.id = f.application_id)`,
  'applications without their tenant': `select count(*) as n from applications a
     where not exists (select 1 from tenants t where t.id = a.tenant_id)`,
}

function sqliteFindings(file: string): string[] {
  const db = new BetterSqlite3(file, { fileMustExist: true })
  try {
    const findings: string[] = []
    const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') {
      findings.push(`integrity_check: ${JSON.stringify(integrity)}`)
    }
    for (const row of db.pragma('foreign_key_check') as unknown[]) {
      findings.push(`foreign_key_check: ${JSON.stringify(row)}`)
    }
    for (const [what, query] of Object.entries(ORPHANS)) {
      const { n } = db.prepare(query).get() as { n: number }
      if (n !== 0) findings.push(`${n} ${what}`)
    }
    return findings
  } finally {
    db.close()
  }
}

async function postgresFindings(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const findings: string[] = []
    for (const [what, query] of Object.entries(ORPHANS)) {
      const n = Number((await client.query<{ n: string }>(query)).rows[0]?.n)
      if (n !== 0) findings.push(`${n} ${what}`)
    }
    return findings
  } finally {
    await client.end()
  }
}

/** Every inconsistency found in the database `storage` names; empty when it is sound. */
export function databaseFindings(backend: 'sqlite' | 'postgres', storage: string) {
  return backend === 'sqlite'
    ? Promise.resolve(sqliteFindings(storage.slice('sqlite:'.length)))
    : postgresFindings(storage)
}
