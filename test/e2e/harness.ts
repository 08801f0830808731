// End-to-end harness: a built client, the real server on a random port over a small seeded database,
// and Debian Chromium driven by playwright-core. Shared by the e2e test files.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const CLIENT_OUT = join(ROOT, 'dist/client/index.html')

function newest(dir: string): number {
  let t = 0
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name)
    t = Math.max(t, name.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** Build the client when dist/client is missing or older than its sources (one build across test files). */
export async function ensureClientBuilt(): Promise<void> {
  const sources = () => Math.max(newest(join(ROOT, 'client')), newest(join(ROOT, 'shared')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs)
  const fresh = () => existsSync(CLIENT_OUT) && statSync(CLIENT_OUT).mtimeMs >= sources()
  if (fresh()) return
  const lock = join(ROOT, 'dist/.client-build-lock')
  mkdirSync(join(ROOT, 'dist'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test file is building; a lock older than 5 minutes is a leftover of a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true })
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    if (fresh()) return
    const { build } = await import('vite')
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export interface E2eServer {
  app: FastifyInstance
  url: string
  writeKey: string
  viewerToken: (scope: string) => string
  /** A control key (a leader's tablet that drives walls), for the district or a subtree. */
  controlKey: (name: string, scope?: string) => string
  /** Label points of micro grids (inside them), and matter codes, for reports. */
  places: { code: string; lon: number; lat: number }[]
  matters: string[]
  close: () => Promise<void>
}

/** The real server (buildApp) on a random port over a temporary database seeded small; `settings` as a
 *  deployment would configure them (indicator formulas, calendar and its timezone, …). */
export async function startServer(cases = 20_000, settings: Partial<import('../../server/config').Config> = {}): Promise<E2eServer> {
  const { buildApp } = await import('../../server/app')
  const { testConfig } = await import('../../server/config')
  const { openDb } = await import('../../server/db')
  const { ensureSeeded } = await import('../../fixtures/seed')
  const { Keys } = await import('../../server/keys')
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-e2e-'))
  const db = openDb(join(dir, 'e2e.db'))
  await ensureSeeded(db, { cases })
  const keys = new Keys(db)
  const writeKey = keys.create({ role: 'write', name: 'e2e', source: 'app' }).secret
  const places = db.$client.prepare('SELECT code, lon, lat FROM grids WHERE level = 4 ORDER BY code').all() as E2eServer['places']
  const matters = db.$client.prepare('SELECT code FROM matters ORDER BY code LIMIT 20').pluck().all() as string[]
  const app = buildApp(testConfig({ clientDir: join(ROOT, 'dist/client'), demo: true, dbFile: join(dir, 'e2e.db'), ...settings }), { db })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    writeKey,
    places,
    matters,
    viewerToken: (scope) => keys.create({ role: 'viewer', name: `e2e ${scope}`, scope }).secret,
    controlKey: (name, scope) => keys.create({ role: 'control', name, scope }).secret,
    close: async () => {
      await app.close()
      db.$client.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The e2e server for a test file: the client built and the server started before its tests (handed to
 *  `use`), closed after them. */
export function fileServer(use: (server: E2eServer) => void, cases?: number, settings?: Parameters<typeof startServer>[1]): void {
  let server: E2eServer | undefined
  beforeAll(async () => {
    await ensureClientBuilt()
    server = await startServer(cases, settings)
    use(server)
  })
  afterAll(async () => {
    await server?.close()
  })
}

/** Wait until the screen is live and the map painted. */
/** Wait until the screen is live and the map painted. The kiosk tour keeps the map moving, and on a slow
 *  machine a moving map never reports itself loaded: a key press (any input) pauses the tour first. */
export async function screenLive(page: Page) {
  await page.waitForFunction(() => window.__onescreen?.live?.().status === 'live' && !!window.__onescreen?.mapState, undefined, { timeout: 60_000, polling: 200 })
  await page.keyboard.press('Shift')
  await page.waitForFunction(
    () => {
      const h = window.__onescreen
      const m = h?.mapState?.()
      return h?.live?.().status === 'live' && m?.loaded && m.coloured > 0
    },
    undefined,
    { timeout: 30_000, polling: 200 },
  )
}

let writes = 0
/** A write through the public API, as any upstream system would make it. */
export async function post<T>(server: E2eServer, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.writeKey, 'idempotency-key': `e2e-${process.pid}-${++writes}-${Date.now()}` },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

/** Live activity through the API: `n` reports spread over the district, and one of them supervised (督办). */
export async function activity(server: E2eServer, n: number): Promise<number[]> {
  const ids: number[] = []
  for (let k = 0; k < n; k++) {
    const p = server.places[(k * 997) % server.places.length]
    const r = await post<{ id: number }>(server, '/api/cases', {
      matter: server.matters[k % server.matters.length], lon: p.lon, lat: p.lat, description: `端到端测试上报 ${k + 1}：路面破损`,
    })
    if (r.status !== 201) throw new Error(`report failed: ${r.status} ${JSON.stringify(r.body)}`)
    ids.push(r.body.id)
  }
  const s = await post(server, `/api/cases/${ids[0]}/actions`, { action: 'supervise', reason: '端到端测试督办' })
  if (s.status >= 300) throw new Error(`supervise failed: ${s.status} ${JSON.stringify(s.body)}`)
  return ids
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader',
]

export interface Browser {
  page: Page
  context: BrowserContext
  /** Every URL the page requested (HTTP and WebSocket). */
  requests: string[]
  errors: string[]
  /** Every console message (warnings included: MapLibre warns once about a canvas too large). */
  console: string[]
  close: () => Promise<void>
}

/** A fresh Chromium profile with one page of the given size. */
export async function openBrowser(width: number, height: number, opts: { touch?: boolean } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'onescreen-chromium-'))
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width, height }, deviceScaleFactor: 1, hasTouch: opts.touch ?? false,
  })
  // Opt in to the client's test probes (window.__onescreen, see client/debug.ts) before any page script runs.
  await context.addInitScript('window.__onescreen = {}')
  const page = context.pages()[0] ?? (await context.newPage())
  const requests: string[] = []
  const errors: string[] = []
  const messages: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  page.on('websocket', (ws) => requests.push(ws.url()))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    messages.push(m.text())
    if (m.type() === 'error') errors.push(m.text())
  })
  return {
    page, context, requests, errors, console: messages,
    close: async () => {
      await context.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Save a screenshot scaled to `width` px (the browser scales it: no image library), for the README. */
export async function saveScaled(png: Buffer, width: number, path: string): Promise<void> {
  const b = await openBrowser(width, 200)
  try {
    await b.page.setContent(`<body style="margin:0"><img style="display:block;width:${width}px" src="data:image/png;base64,${png.toString('base64')}"></body>`)
    await b.page.waitForFunction(() => document.querySelector('img')!.complete)
    await b.page.locator('img').screenshot({ path })
  } finally {
    await b.close()
  }
}

/** Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium screenshots are) into RGBA pixels. */
export function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let p = 8
  let width = 0, height = 0, colourType = 0
  const idat: Buffer[] = []
  while (p < png.length) {
    const len = png.readUInt32BE(p)
    const type = png.toString('ascii', p + 4, p + 8)
    const data = png.subarray(p + 8, p + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      if (data[8] !== 8 || data[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs')
      colourType = data[9]
    } else if (type === 'IDAT') idat.push(data)
    p += 12 + len
  }
  const bpp = colourType === 6 ? 4 : colourType === 2 ? 3 : 0
  if (!bpp) throw new Error(`PNG colour type ${colourType} not supported`)
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const out = new Uint8Array(width * height * 4)
  const prev = new Uint8Array(stride)
  const cur = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? cur[x - bpp] : 0
      const b = prev[x]
      const c = x >= bpp ? prev[x - bpp] : 0
      let v = line[x]
      if (f === 1) v += a
      else if (f === 2) v += b
      else if (f === 3) v += (a + b) >> 1
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c)
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      cur[x] = v & 0xff
    }
    for (let x = 0; x < width; x++) {
      out.set([cur[x * bpp], cur[x * bpp + 1], cur[x * bpp + 2], bpp === 4 ? cur[x * bpp + 3] : 255], (y * width + x) * 4)
    }
    prev.set(cur)
  }
  return { width, height, rgba: out }
}

/** Share of clearly coloured (chromatic) pixels and how many distinct coarse colours there are. */
export function colourStats(img: { rgba: Uint8Array }): { chromatic: number; distinct: number } {
  let n = 0, chromatic = 0
  const buckets = new Map<number, number>()
  for (let k = 0; k < img.rgba.length; k += 4) {
    const r = img.rgba[k], g = img.rgba[k + 1], b = img.rgba[k + 2]
    n++
    if (Math.max(r, g, b) - Math.min(r, g, b) > 50 && Math.max(r, g, b) > 70) {
      chromatic++
      const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5)
      buckets.set(key, (buckets.get(key) ?? 0) + 1)
    }
  }
  // A colour class counts when it covers at least 0.2 % of the area (not just antialiased edges).
  const distinct = [...buckets.values()].filter((c) => c > n * 0.002).length
  return { chromatic: chromatic / n, distinct }
}

export const screenshotPath = (name: string) => join(ROOT, 'docs/screenshots', name)
export { ROOT }
