// `npm run cluster -- --live 3`: the scaled-out layout on this machine. A local redis-server, one writer
// (the database, ingest, deadlines, REST), N live processes (screens) and HAProxy in front of them on
// PORT (3000): screens open http://localhost:3000/ as with `npm start`. Ctrl-C stops them all.
//
//   --live N        live processes (default 2)
//   --port P        the proxy's port (default PORT or 3000)
//   --redis-port P  (default 6390)
// Other settings come from the environment as for `npm start` (ONESCREEN_DB, ONESCREEN_DEMO_SPEED, …).
import { mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, startHaproxy, startOneScreen, startRedis, type Service } from './services'

const { values } = parseArgs({
  options: { live: { type: 'string', default: '2' }, port: { type: 'string' }, 'redis-port': { type: 'string', default: '6390' } },
})
const liveCount = Number(values.live)
if (!Number.isInteger(liveCount) || liveCount < 1 || liveCount > 64) {
  console.error(`--live must be a whole number from 1 to 64, got "${values.live}"`)
  process.exit(2)
}
const port = Number(values.port ?? process.env.PORT ?? 3000)
const dir = resolve('data', 'cluster')
mkdirSync(dir, { recursive: true })

const services: Service[] = []
let stopping = false
async function stopAll(code: number) {
  if (stopping) return
  stopping = true
  // Proxy first (no new screens), live processes, then the writer (it finishes its writes), Redis last.
  for (const s of [...services].reverse()) await s.stop().catch(() => {})
  process.exit(code)
}
process.once('SIGINT', () => void stopAll(0))
process.once('SIGTERM', () => void stopAll(0))

async function main() {
  const redisPort = Number(values['redis-port'])
  const redis = await startRedis(redisPort, { dir, echo: true })
  services.push(redis)
  const cluster = {
    ONESCREEN_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    ONESCREEN_CLUSTER_SECRET: process.env.ONESCREEN_CLUSTER_SECRET || randomBytes(24).toString('base64url'),
  }
  const writerPort = await freePort()
  const writer = await startOneScreen('writer', writerPort, { ...cluster, ONESCREEN_ROLE: 'writer' }, { echo: true, timeoutMs: 15 * 60_000 })
  services.push(writer)
  const live: Service[] = await Promise.all(
    Array.from({ length: liveCount }, async (_, i) =>
      startOneScreen(`live${i + 1}`, await freePort(), { ...cluster, ONESCREEN_ROLE: 'live', ONESCREEN_WRITER_URL: `http://127.0.0.1:${writerPort}` }, { echo: true }),
    ),
  )
  services.push(...live)
  const proxy = await startHaproxy({ port, writer: `127.0.0.1:${writerPort}`, live: live.map((l) => `127.0.0.1:${l.port}`) }, { dir: join(dir), echo: true })
  services.push(proxy)
  console.log(
    `\nOneScreen on http://localhost:${port} — HAProxy → ${liveCount} live process${liveCount > 1 ? 'es' : ''} (ports ${live.map((l) => l.port).join(', ')}),` +
      ` writer on ${writerPort}, Redis on ${redisPort}. Ctrl-C stops everything.`,
  )
  for (const s of services) s.child.once('exit', (code, signal) => !stopping && console.error(`${s.name} exited (${code ?? signal})`))
}

main().catch((e) => {
  console.error((e as Error).message)
  void stopAll(1)
})
