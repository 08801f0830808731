// npm run keys -- create --role write --source hotline --name "12345 hotline" [--scope 410103001] [--view-scope 410103001]
// npm run keys -- list
// npm run keys -- revoke <id>
import { parseArgs } from 'node:util'
import { openDb } from './db'
import { loadConfig } from './config'
import { Keys, KEY_SOURCES, ROLES } from './keys'

const USAGE = `usage:
  npm run keys -- create --role ${ROLES.join('|')} --name <name> [--source ${KEY_SOURCES.join('|')}] [--scope <grid code>]
                          [--view-scope <grid code>]   (write keys: may also read there, as a viewer)
  npm run keys -- list
  npm run keys -- revoke <id>`

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' }, name: { type: 'string' }, source: { type: 'string' }, scope: { type: 'string' },
      'view-scope': { type: 'string' },
    },
  })
  const [command, arg] = positionals
  const db = openDb(loadConfig().dbFile)
  try {
    const keys = new Keys(db)
    switch (command) {
      case 'create': {
        const viewScope = values['view-scope']
        const { id, secret } = keys.create({ role: values.role ?? '', name: values.name ?? '', source: values.source, scope: values.scope, viewScope })
        const reads = viewScope ? `, reads ${viewScope}` : values.role === 'write' ? ', writes only' : ''
        console.log(`created key ${id} (${values.role}${values.source ? `, ${values.source}` : ''}, scope ${values.scope ?? 'district'}${reads})`)
        console.log(`secret (shown once; store it now): ${secret}`)
        return 0
      }
      case 'list': {
        const rows = keys.list()
        if (rows.length === 0) console.log('no keys')
        else
          console.table(
            rows.map((r) => ({
              id: r.id, name: r.name, role: r.role, source: r.source ?? '', scope: r.scope, reads: r.viewScope ?? '',
              created: new Date(r.createdAt).toISOString(), revoked: r.revokedAt ? new Date(r.revokedAt).toISOString() : '',
            })),
          )
        return 0
      }
      case 'revoke': {
        const id = Number(arg)
        if (!Number.isInteger(id)) break
        if (!keys.revoke(id)) {
          console.error(`no live key ${arg}`)
          return 1
        }
        console.log(`revoked key ${id}`)
        return 0
      }
    }
    console.error(USAGE)
    return 2
  } finally {
    db.$client.close()
  }
}

try {
  process.exitCode = main(process.argv.slice(2))
} catch (e) {
  console.error(`keys: ${(e as Error).message}`)
  process.exitCode = 1
}
