// The HTTP floor of bench:ingest's single events, run as its own server process: bare Fastify, the same
// request (JSON body, keep-alive) answered 201 with a small JSON body, nothing checked or stored. What any
// Fastify service pays per request on this machine at this moment; the ingest's single events are reported
// against it, the way batches are reported against raw SQLite.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
let id = 0
app.get('/api/health', async () => ({ ok: true }))
app.post('/api/cases', async (req, reply) => {
  const { matter } = req.body as { matter: string }
  return reply.code(201).send({ id: ++id, matter, state: 'reported' })
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
