// Every setting of the server, read once from the environment with a default. A bad value stops the start
// with the variable's name, rather than running 24/7 on a silently wrong setting.
import { DEFAULT_CALENDAR, type Calendar } from '../shared/timelimit'
import { loadCalendarFile } from './calendar-file'
import { DEFAULT_INDICATOR_CONFIG, type IndicatorConfig } from '../shared/indicators'
import { PAGE_CACHE, SYNCHRONOUS, type Synchronous } from './db'
import { loadWallsFile } from './walls'
import type { WallProfile } from '../shared/wall'

export interface Config {
  port: number
  host: string
  /** SQLite file; ':memory:' for a private throw-away database. */
  dbFile: string
  /** SQLite page cache of the server's connection, in MB. */
  dbCacheMb: number
  /** The page cache while a 12345 import writes (server/db/index.ts PAGE_CACHE). */
  dbImportCacheMb: number
  /** When a commit is on disk: 'full' (every acknowledged write survives a power cut) or 'normal' (a crash). */
  dbSynchronous: Synchronous
  /** Demo mode: anonymous district-wide reads are allowed (and the demo simulator may run). */
  demo: boolean
  /** Demo simulator speed, 1× (real time) to 100×; 0 = no simulator. Runs only in demo mode, once listening. */
  demoSpeed: number
  /** Seed of the demo simulator (the same seed plays the same district afternoon). */
  demoSeed: number
  /** Live housekeeping tick (ms): heartbeats, windows rolling over, drained screens' snapshots. */
  tickMs: number
  /** Replays running at once (each a worker with its own engine, about 70 MB); more are refused. */
  replayMaxSessions: number
  /** Least time between two frames to one room (ms): the per-room frame-rate cap. */
  frameMinMs: number
  /** How long a change waits for others before it is framed (ms): a burst becomes one frame. */
  frameCoalesceMs: number
  /** What each screen in a room adds to the room's least time between frames (ms). */
  frameMsPerScreen: number
  /** Least time between two framing rounds (ms; 0 = none): under load, the commits between them are framed together. */
  frameRoundGapMs: number
  /** Largest request body (bytes) for ordinary routes; POST /api/ingest/batch has its own. */
  bodyLimit: number
  batchBodyLimit: number
  /** Most items in one batch request. */
  batchMax: number
  /** How long an idempotency answer is kept (ms). */
  idempotencyTtlMs: number
  rateLimit: {
    /** Requests per window for a caller without a key or token (counted per IP). */
    anonymousMax: number
    /** Requests per window for a caller with a key or token (counted per credential). */
    keyMax: number
    windowMs: number
  }
  /** Working calendar (working hours, weekends, holidays, makeup days) for time limits. */
  calendar: Calendar
  indicators: IndicatorConfig
  /** The physical walls (ONESCREEN_WALLS), as GET /api/walls lists them; none = `/` fits the window. */
  walls: WallProfile[]
  /** How long (ms) a wall follows a control key after its last drive before it returns to its tour. */
  wallIdleMs: number
  /** History cases the seed writes into an empty database. */
  seedCases: number
  /** Built client served at / and /tablet. */
  clientDir: string
  logLevel: string
  /** Log every request (off by default: at thousands of events per second the log is the bottleneck). */
  logRequests: boolean
  /** One process (embedded, the default) or a part of a scaled-out deployment (docs/scale.md). */
  scale: ScaleConfig
}

export const PROCESS_ROLES = ['writer', 'live'] as const
export type ScaleRole = 'embedded' | (typeof PROCESS_ROLES)[number]

export interface ScaleConfig {
  /** embedded: one process, no Redis. writer: owns the database, appends the log to Redis. live: serves screens. */
  role: ScaleRole
  /** Redis (redis:// or rediss://) that carries the committed log and cross-process messages. */
  redisUrl: string | null
  /** Where a live process reaches the writer (checkpoint, catch-up, token checks). */
  writerUrl: string | null
  /** Shared secret between the writer and its live processes (they ask for the log and for tokens). */
  secret: string | null
  /** Redis Stream key of the committed log. */
  stream: string
  /** Entries (commit batches) the stream keeps; older ones are trimmed, and a live process that needs them asks the writer. */
  streamMaxLen: number
}

type Env = Record<string, string | undefined>

function fail(name: string, value: string, want: string): never {
  throw new Error(`config: ${name}="${value}" is not valid: ${want}`)
}

function int(env: Env, name: string, def: number, min = 0): number {
  const v = env[name]
  if (v === undefined || v === '') return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) fail(name, v, `expected a whole number ≥ ${min}`)
  return n
}

function num(env: Env, name: string, def: number, min: number, max: number): number {
  const v = env[name]
  if (v === undefined || v === '') return def
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) fail(name, v, `expected a number in [${min}, ${max}]`)
  return n
}

function bool(env: Env, name: string, def: boolean): boolean {
  const v = env[name]?.toLowerCase()
  if (v === undefined || v === '') return def
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  return fail(name, v, 'expected true or false')
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], def: T): T {
  const v = env[name]?.toLowerCase()
  if (v === undefined || v === '') return def
  if (!(allowed as readonly string[]).includes(v)) fail(name, v, `expected one of ${allowed.join(', ')}`)
  return v as T
}

/** ONESCREEN_CALENDAR: a JSON or iCalendar file added to the built-in calendar (server/calendar-file.ts). */
function calendar(env: Env): Calendar {
  const file = env.ONESCREEN_CALENDAR
  if (!file) return DEFAULT_CALENDAR
  try {
    return loadCalendarFile(file)
  } catch (e) {
    return fail('ONESCREEN_CALENDAR', file, (e as Error).message)
  }
}

/** ONESCREEN_WALLS: a JSON file of wall profiles by name (server/walls.ts). */
function walls(env: Env): WallProfile[] {
  const file = env.ONESCREEN_WALLS
  if (!file) return []
  try {
    return loadWallsFile(file)
  } catch (e) {
    return fail('ONESCREEN_WALLS', file, (e as Error).message)
  }
}

function indicators(env: Env): IndicatorConfig {
  const weights = env.ONESCREEN_THREE_RATE_WEIGHTS
  let threeRateWeights = DEFAULT_INDICATOR_CONFIG.threeRateWeights
  if (weights) {
    const w = weights.split(',').map(Number)
    if (w.length !== 3 || w.some((x) => !Number.isFinite(x) || x < 0))
      fail('ONESCREEN_THREE_RATE_WEIGHTS', weights, 'expected three weights "response,resolution,satisfaction"')
    threeRateWeights = { response: w[0], resolution: w[1], satisfaction: w[2] }
  }
  const denominator = env.ONESCREEN_EXTENSION_DENOMINATOR ?? DEFAULT_INDICATOR_CONFIG.extensionDenominator
  if (denominator !== 'dueHandle' && denominator !== 'dueClose')
    fail('ONESCREEN_EXTENSION_DENOMINATOR', denominator, 'expected dueHandle or dueClose')
  return {
    basicSatisfiedWeight: num(env, 'ONESCREEN_SATISFACTION_K', DEFAULT_INDICATOR_CONFIG.basicSatisfiedWeight, 0, 1),
    threeRateWeights,
    extensionDenominator: denominator,
  }
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const v = env[name]
  if (v === undefined || v === '') return null
  let u: URL
  try {
    u = new URL(v)
  } catch {
    return fail(name, v, `expected a URL (${protocols.map((p) => `${p}//…`).join(' or ')})`)
  }
  if (!protocols.includes(u.protocol)) fail(name, v, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`)
  return v
}

/** The scale-out settings: a role needs its Redis and (live) its writer; without a role, none of them apply. */
function scale(env: Env): ScaleConfig {
  const rawRole = env.ONESCREEN_ROLE ?? ''
  if (rawRole !== '' && !(PROCESS_ROLES as readonly string[]).includes(rawRole))
    fail('ONESCREEN_ROLE', rawRole, `expected ${PROCESS_ROLES.join(' or ')} (or unset for one embedded process)`)
  const role: ScaleRole = rawRole === '' ? 'embedded' : (rawRole as ScaleRole)
  const redisUrl = url(env, 'ONESCREEN_REDIS_URL', ['redis:', 'rediss:'])
  const writerUrl = url(env, 'ONESCREEN_WRITER_URL', ['http:', 'https:'])
  const secret = env.ONESCREEN_CLUSTER_SECRET || null
  if (role === 'embedded') {
    if (redisUrl) fail('ONESCREEN_REDIS_URL', redisUrl, 'is only used with ONESCREEN_ROLE=writer or live; set the role, or unset the URL for one embedded process')
  } else {
    if (!redisUrl) throw new Error(`config: ONESCREEN_ROLE=${role} needs ONESCREEN_REDIS_URL (redis://host:port)`)
    if (!secret) throw new Error(`config: ONESCREEN_ROLE=${role} needs ONESCREEN_CLUSTER_SECRET (the same on the writer and every live process)`)
    if (secret.length < 16) fail('ONESCREEN_CLUSTER_SECRET', '…', 'expected at least 16 characters')
  }
  if (role === 'live' && !writerUrl) throw new Error('config: ONESCREEN_ROLE=live needs ONESCREEN_WRITER_URL (http://writer-host:port)')
  return {
    role, redisUrl, writerUrl, secret,
    stream: env.ONESCREEN_STREAM || 'onescreen:log',
    streamMaxLen: int(env, 'ONESCREEN_STREAM_MAXLEN', 100_000, 10),
  }
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dbFile: env.ONESCREEN_DB || 'data/onescreen.db',
    dbCacheMb: int(env, 'ONESCREEN_DB_CACHE_MB', PAGE_CACHE.liveMb, 2),
    dbImportCacheMb: int(env, 'ONESCREEN_DB_IMPORT_CACHE_MB', PAGE_CACHE.importMb, 2),
    dbSynchronous: oneOf(env, 'ONESCREEN_DB_SYNCHRONOUS', SYNCHRONOUS, 'full'),
    demo: bool(env, 'ONESCREEN_DEMO', true),
    demoSpeed: num(env, 'ONESCREEN_DEMO_SPEED', 1, 0, 100),
    demoSeed: int(env, 'ONESCREEN_DEMO_SEED', 20260101),
    tickMs: int(env, 'ONESCREEN_TICK_MS', 250, 10),
    replayMaxSessions: int(env, 'ONESCREEN_REPLAY_MAX_SESSIONS', 8, 0),
    frameMinMs: int(env, 'ONESCREEN_FRAME_MIN_MS', 100, 10),
    frameCoalesceMs: int(env, 'ONESCREEN_FRAME_COALESCE_MS', 10, 0),
    frameMsPerScreen: num(env, 'ONESCREEN_FRAME_MS_PER_SCREEN', 0.5, 0, 100),
    frameRoundGapMs: int(env, 'ONESCREEN_FRAME_ROUND_GAP_MS', 0, 0),
    bodyLimit: int(env, 'ONESCREEN_BODY_LIMIT', 1 << 20, 1024),
    batchBodyLimit: int(env, 'ONESCREEN_BATCH_BODY_LIMIT', 8 << 20, 1024),
    batchMax: int(env, 'ONESCREEN_BATCH_MAX', 1000, 1),
    idempotencyTtlMs: int(env, 'ONESCREEN_IDEMPOTENCY_TTL_HOURS', 168, 1) * 3_600_000,
    rateLimit: {
      anonymousMax: int(env, 'ONESCREEN_RATE_MAX', 1200, 1),
      keyMax: int(env, 'ONESCREEN_RATE_KEY_MAX', 600_000, 1),
      windowMs: int(env, 'ONESCREEN_RATE_WINDOW_MS', 60_000, 1000),
    },
    calendar: calendar(env),
    walls: walls(env),
    wallIdleMs: int(env, 'ONESCREEN_WALL_IDLE_S', 300, 5) * 1000,
    indicators: indicators(env),
    seedCases: int(env, 'ONESCREEN_SEED_CASES', 289_000),
    clientDir: env.ONESCREEN_CLIENT_DIR || 'dist/client',
    logLevel: env.LOG_LEVEL || 'info',
    logRequests: bool(env, 'ONESCREEN_LOG_REQUESTS', false),
    scale: scale(env),
  }
}

/** Settings for tests and benchmarks: a config from defaults with a few overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), dbFile: ':memory:', logLevel: 'silent', demoSpeed: 0, ...overrides }
}
