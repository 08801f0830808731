// Start the server: open (and migrate) the database, build the app, listen. The server serves the district
// its database holds; the demo district is loaded beforehand by fixtures/seed.ts (`npm start` runs it).
// On SIGINT/SIGTERM it stops taking requests, lets in-flight writes commit, closes the database and exits;
// if that takes longer than the grace period it exits anyway. A live process of a scaled-out deployment
// (ONESCREEN_ROLE=live) has no database: it starts from its writer (docs/scale.md).
import { loadConfig } from './config'
import { openDb } from './db'
import { buildApp } from './app'
import { buildLiveApp } from './scale/live-app'

const GRACE_MS = 10_000

async function main() {
  const config = loadConfig()
  const db = config.scale.role === 'live' ? null : openDb(config.dbFile, config.dbSynchronous)
  if (db && db.$client.prepare('SELECT 1 FROM grids LIMIT 1').get() === undefined)
    console.warn(`${config.dbFile} holds no grids: load the demo district (npm run db:seed) or your own (npm run grid:import)`)
  const app = db ? buildApp(config, { db }) : buildLiveApp(config)

  let closing = false
  const shutdown = async (why: string, err?: unknown) => {
    if (closing) return
    closing = true
    if (err) app.log.error({ err }, why)
    else app.log.info(`${why}: closing`)
    setTimeout(() => {
      console.error(`still closing after ${GRACE_MS} ms; exiting`)
      process.exit(1)
    }, GRACE_MS).unref()
    try {
      await app.close()
      db?.$client.close()
    } finally {
      process.exit(err ? 1 : 0)
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal))
  process.once('uncaughtException', (e) => void shutdown('uncaught exception', e))
  process.once('unhandledRejection', (e) => void shutdown('unhandled rejection', e))

  await app.listen({ port: config.port, host: config.host })
  const role = config.scale.role === 'embedded' ? '' : `, ${config.scale.role} of a scaled-out deployment`
  app.log.info(`OneScreen on http://localhost:${config.port} (demo mode ${config.demo ? 'on' : 'off'}${role})`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
