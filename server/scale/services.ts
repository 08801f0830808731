// The processes of a scaled-out deployment on one machine: redis-server and HAProxy from the system's
// packages, and OneScreen processes in their roles. `npm run cluster` and the scale-out tests use these; each
// returns a handle that stops what it started (and only that).
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Service {
  name: string
  port: number
  child: ChildProcess
  /** Everything the process printed (the last 64 KB). */
  output(): string
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Does something accept connections on this port? */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}

interface RunOptions {
  env?: NodeJS.ProcessEnv
  /** A line the process prints once it is ready; without one, ready is when its port accepts connections. */
  ready?: RegExp
  timeoutMs?: number
  echo?: boolean
}

/** Every process started here and still running: they go when this process goes, however it ends. */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL')
})

function run(name: string, port: number, cmd: string, args: string[], opts: RunOptions): Promise<Service> {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let out = ''
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-65536)
    if (opts.echo) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `))
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const service: Service = {
    name, port, child,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void service.stop(1000)
      reject(new Error(`${name} did not start within ${opts.timeoutMs ?? 60_000} ms:\n${out}`))
    }, opts.timeoutMs ?? 60_000)
    let done = false
    const ready = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      child.stdout!.off('data', check)
      child.stderr!.off('data', check)
      resolve(service)
    }
    const check = () => {
      if (opts.ready?.test(out)) ready()
    }
    child.stdout!.on('data', check)
    child.stderr!.on('data', check)
    if (!opts.ready) {
      const probe = async () => {
        while (!done && child.exitCode === null) {
          if (await accepting(port)) return ready()
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      void probe()
    }
    child.once('error', (e) => {
      clearTimeout(timer)
      if (!done) reject(new Error(`${name}: cannot run ${cmd} (${e.message}); is it installed? (apt-get install -y redis-server haproxy)`))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (!done) reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out}`))
    })
  })
}

/** redis-server on `port`, keeping nothing on disk (the log is the writer's; the stream is only its carrier). */
export function startRedis(port: number, opts: { dir: string; echo?: boolean; args?: string[] }): Promise<Service> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', opts.dir, ...(opts.args ?? [])]
  return run('redis', port, 'redis-server', args, {
    ready: /Ready to accept connections/, echo: opts.echo,
  })
}

export interface ProxyLayout {
  port: number
  /** host:port of the writer: REST, Open311 and the API docs go there. */
  writer: string
  /** host:port of each live process: screens (the client, /socket.io) are spread over them. */
  live: string[]
  /** Extra front ends that send screens to one live process only (tests put browsers on given processes). */
  pinned?: { port: number; live: string }[]
  /** Connections HAProxy holds at once (it needs two file descriptors each). */
  maxconn?: number
}

/**
 * HAProxy's configuration for a layout. Screens go to the live process with the fewest connections, a
 * browser stays on its process (a cookie; Socket.IO's long-polling needs that), and a process that stops
 * answering is passed over at once: a connection it refuses is retried on another one.
 */
export function haproxyConfig(l: ProxyLayout): string {
  const live = l.live.map((addr, i) => `  server live${i + 1} ${addr} check inter 1s fall 2 rise 1 cookie l${i + 1}`)
  const front = (name: string, port: number, liveBackend: string) => `
frontend ${name}
  bind 127.0.0.1:${port}
  acl to_writer path_beg /api/ /open311/ /docs
  use_backend writer if to_writer
  default_backend ${liveBackend}
`
  return `global
  maxconn ${l.maxconn ?? 8000}

defaults
  mode http
  timeout connect 2s
  timeout client 90s
  timeout server 90s
  timeout tunnel 1h
  option redispatch 1
  retries 3
${front('screens', l.port, 'live')}${(l.pinned ?? []).map((p, i) => front(`pinned${i + 1}`, p.port, `pinned${i + 1}`)).join('')}
backend writer
  server writer ${l.writer}

backend live
  balance leastconn
  cookie osl insert indirect nocache
  option httpchk GET /api/health
${live.join('\n')}
${(l.pinned ?? []).map((p, i) => `\nbackend pinned${i + 1}\n  server live ${p.live}\n`).join('')}`
}

/** HAProxy in the foreground with the layout's configuration (written to `dir`). */
export function startHaproxy(l: ProxyLayout, opts: { dir: string; echo?: boolean }): Promise<Service> {
  const file = join(opts.dir, 'haproxy.cfg')
  writeFileSync(file, haproxyConfig(l))
  // -db: stay in the foreground.
  return run('haproxy', l.port, 'haproxy', ['-db', '-f', file], { echo: opts.echo })
}

export type OneScreenRole = 'embedded' | 'writer' | 'live'

/** A OneScreen process (server/main.ts) in a role; ready when it listens (whatever its log level). */
export function startOneScreen(name: string, port: number, env: NodeJS.ProcessEnv, opts: { echo?: boolean; timeoutMs?: number } = {}): Promise<Service> {
  return run(name, port, process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env }, echo: opts.echo, timeoutMs: opts.timeoutMs ?? 120_000,
  })
}
