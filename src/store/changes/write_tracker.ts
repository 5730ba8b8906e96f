import {
  AliasNode,
  FromNode,
  TableNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'

/**
 * Tables whose writes tell no cache anything: the append-only logs, secret values and names (read
 * through on every vault request), and the counter itself. The database triggers of migration
 * 0005 watch every other table; this list is their complement, so a new table counts as watched
 * here until someone decides otherwise.
 */
const UNWATCHED = new Set(['sign_ins', 'audit_log', 'secrets', 'secret_versions', 'change_version'])

/** The table names a write targets; an alias or a `from` list is looked through. */
function targets(node: OperationNode | undefined): string[] {
  if (node === undefined) return []
  if (TableNode.is(node)) return [node.table.identifier.name]
  if (AliasNode.is(node)) return targets(node.node)
  if (FromNode.is(node)) return node.froms.flatMap(targets)
  return []
}

function writtenTables(node: RootOperationNode): string[] | undefined {
  switch (node.kind) {
    case 'InsertQueryNode':
      return targets(node.into)
    case 'UpdateQueryNode':
      return targets(node.table)
    case 'DeleteQueryNode':
      return targets(node.from)
    case 'MergeQueryNode':
      return targets(node.into)
    default:
      return undefined
  }
}

/** True for a statement that may change a watched table; a target it cannot name counts. */
function writesWatched(node: RootOperationNode): boolean {
  const tables = writtenTables(node)
  if (tables === undefined) return false
  return tables.length === 0 || tables.some((t) => !UNWATCHED.has(t))
}

/**
 * A Kysely plugin that calls `onWrite` after each statement that wrote to a watched table has
 * succeeded, so this process's caches learn of its own writes without a round trip (issue #7).
 * Raw `sql` statements are not seen; the repositories write through the query builder only.
 */
export class WriteTracker implements KyselyPlugin {
  readonly #onWrite: () => void
  readonly #writes = new WeakSet<QueryId>()

  constructor(onWrite: () => void) {
    this.#onWrite = onWrite
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (writesWatched(node)) this.#writes.add(queryId)
    return node
  }

  async transformResult({
    queryId,
    result,
  }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#writes.delete(queryId)) this.#onWrite()
    return result
  }
}
