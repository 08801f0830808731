// Assembles the server, fastify/demo style: external plugins first (security headers, rate limits, docs,
// body parsers), then the app's own plugins (db, grids, ingest, deadlines, auth, errors, client, and
// whatever else lands in server/plugins/, e.g. the live Socket.IO plugin), then routes autoloaded by folder
// (routes/api, routes/open311). A plugin that needs another names it in `dependencies` (fastify-plugin)
// and autoload orders them.
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import AutoLoad from '@fastify/autoload'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { compileValidator } from './http/validator'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from './config'
import type { Db } from './db'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface BuildOptions {
  /** An open database (tests, main); otherwise the db plugin opens config.dbFile and closes it on close. */
  db?: Db
}

const here = dirname(fileURLToPath(import.meta.url))
// This file is TypeScript, so whatever runs it (tsx, node --import tsx, vitest) loads .ts: tell autoload, which
// otherwise only recognises some of those runners by their command line.
process.env.FASTIFY_AUTOLOAD_TYPESCRIPT ??= '1'

export function buildApp(config: Config, opts: BuildOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    bodyLimit: config.bodyLimit,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(compileValidator)
  app.decorate('config', config)

  app.register(AutoLoad, { dir: join(here, 'plugins/external'), options: {} })
  app.register(AutoLoad, {
    dir: join(here, 'plugins'),
    ignoreFilter: (path: string) => path.startsWith('/external/'),
    options: { db: opts.db },
  })
  app.register(AutoLoad, { dir: join(here, 'routes'), options: {} })
  return app
}
