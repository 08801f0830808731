// The built client (dist/client) with a single-page fallback: / and /tablet (and any other client path)
// answer index.html; unknown API paths answer a JSON 404 in the one error shape. The page carries the
// district clock's UTC offset (from the configured calendar), so screens tell the server's time.
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { problem } from '../http/problem'
import { UTC_OFFSET_META } from '../../shared/clock'
import { calendarClock } from '../../shared/timelimit'

const NOT_CLIENT = /^\/(api|open311|docs|socket\.io)(\/|$)/

/** A meta element into the page's head (a page without an explicit head gets it first; HTML puts it there). */
const withMeta = (html: string, meta: string) =>
  html.includes('</head>') ? html.replace('</head>', `${meta}</head>`) : html.replace(/^(<!doctype html>)?/i, `$1${meta}`)

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

    const offset = calendarClock(app.config.calendar).offsetMinutes
    const html = built ? withMeta(readFileSync(resolve(root, 'index.html'), 'utf8'), `<meta name="${UTC_OFFSET_META}" content="${offset}">`) : null
    const page = (_req: FastifyRequest, reply: FastifyReply) =>
      html !== null
        ? reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html)
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
