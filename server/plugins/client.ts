// The built client (dist/client) with a single-page fallback: / and /tablet (and any other client path)
// answer index.html; unknown API paths answer a JSON 404 in the one error shape.
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { problem } from '../http/problem'

const NOT_CLIENT = /^\/(api|open311|docs|socket\.io)(\/|$)/

export default fp(
  async function client(app: FastifyInstance) {
    const root = resolve(app.config.clientDir)
    const built = existsSync(resolve(root, 'index.html'))
    if (built) {
      await app.register(fastifyStatic, {
        root,
        wildcard: true,
        index: false,
        setHeaders(reply, path) {
          // Vite puts content hashes in asset names: they never change. index.html must always be fresh.
          reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
        },
      })
    } else app.log.warn(`no built client in ${root} (run npm run build); / answers 503`)

    const page = (_req: FastifyRequest, reply: FastifyReply) =>
      built
        ? reply.header('cache-control', 'no-cache').sendFile('index.html')
        : reply.code(503).type('text/plain; charset=utf-8').send('The client is not built: run npm run build')
    app.get('/', { schema: { hide: true } }, page)
    app.get('/tablet', { schema: { hide: true } }, page)

    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]
      if (req.method === 'GET' && !NOT_CLIENT.test(path) && !/\.\w+$/.test(path) && req.headers.accept?.includes('text/html'))
        return page(req, reply)
      return reply.code(404).send(problem(404, `${req.method} ${path} does not exist`))
    })
  },
  { name: 'client' },
)
