// The demo simulator: plays the script (script.ts) against the API, in real time compressed by `speed`.
// Everything random is drawn when a case is reported, from the case's own fork of the seeded stream, so the
// same seed plays the same afternoon whatever the server answers and however long it takes. One timer, for
// the earliest pending step; stop() clears it and waits for the requests in flight.
import { Heap } from '@datastructures-js/heap'
import { createRandom, type Random } from '../../shared/random'
import { SOURCES, type Source } from '../../shared/protocol'
import type { CaseStateName } from '../../shared/workflow'
import { DEFAULT_CLOCK, type DistrictClock } from '../../shared/clock'
import { continuePlan, describeCase, HOUR, nextArrival, planCase, SOURCE_WEIGHTS, type DemoMatter, type Step } from './script'

export interface DemoPlace {
  grid: string
  /** How the place is named in report texts (the community). */
  name: string
  lon: number
  lat: number
}

/** A case still open when the simulator starts (from the history or an earlier run): it gets worked on too. */
export interface OpenCase {
  id: number
  matter: string
  state: CaseStateName
}

export interface DemoWorld {
  /** Open cases to carry on with, oldest first. */
  open?: OpenCase[]
  matters: DemoMatter[]
  matterWeights: number[]
  places: DemoPlace[]
  placeWeights: number[]
  departments: string[]
}

export interface ReportRequest {
  source: Source
  matter: string
  lon: number
  lat: number
  description: string
  reporterName?: string
  reporterPhone?: string
  actor: string
}

export interface ActRequest {
  action: Step['action']
  actor: string
  data?: { department?: string; deadline?: string; rating?: string; contacted?: boolean; tri?: boolean }
}

/** The API as the simulator sees it; null = the server refused (the case's remaining steps are dropped). */
export interface DemoApi {
  report(body: ReportRequest): Promise<{ id: number } | null>
  act(id: number, body: ActRequest): Promise<{ deadline: string | null } | null>
}

export interface SimulatorOptions {
  speed: number
  seed: number
  /** Simulated cases with steps still to come; arrivals pause above this. */
  maxOpen?: number
  now?: () => number
  /** The district's clock the day's rhythm follows (default: Asia/Shanghai). */
  clock?: DistrictClock
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (h: unknown) => void
}

interface Pending {
  at: number
  run: () => Promise<void>
}

interface SimCase {
  id: number
  matter: DemoMatter
  steps: Step[]
  next: number
  deadline: number | null
  /** Refused steps in a row. */
  refusals?: number
}

const ACTOR = 'demo'
const MAX_DELAY = 2 ** 31 - 1

export class Simulator {
  readonly stats = { reported: 0, acted: 0, refused: 0, failed: 0 }
  /** The last request that failed outright (network, server closing), for the log. */
  lastError: unknown = null
  private readonly rnd: Random
  private readonly queue = new Heap<Pending>((a, b) => a.at - b.at)
  private readonly inFlight = new Set<Promise<void>>()
  private timer: unknown = null
  private armedFor = Infinity
  private stopped = true
  private open = 0
  private caseSeq = 0
  private readonly now: () => number
  private readonly setTimer: (fn: () => void, ms: number) => unknown
  private readonly clearTimer: (h: unknown) => void

  constructor(
    private readonly api: DemoApi,
    private readonly world: DemoWorld,
    private readonly opts: SimulatorOptions,
  ) {
    this.rnd = createRandom(opts.seed)
    this.now = opts.now ?? Date.now
    this.setTimer = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
    this.clearTimer = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.adopt()
    this.scheduleArrival()
  }

  /** Carry on with the cases already open: their next steps spread over the coming hours, as a desk would. */
  private adopt(): void {
    const byCode = new Map(this.world.matters.map((m) => [m.code, m]))
    const rnd = this.rnd.fork(0)
    for (const c of this.world.open ?? []) {
      const matter = byCode.get(c.matter)
      if (!matter) continue
      const steps = continuePlan(planCase(rnd, matter, this.world.departments), c.state)
      if (steps.length === 0) continue
      steps[0] = { ...steps[0], after: rnd.range(0, 8 * HOUR) }
      this.open++
      this.scheduleStep({ id: c.id, matter, steps, next: 0, deadline: null })
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
    this.queue.clear()
    await Promise.allSettled([...this.inFlight])
  }

  get pending(): number {
    return this.queue.size()
  }

  private scheduleArrival(): void {
    this.push(this.now() + nextArrival(this.rnd, this.now(), this.opts.speed, this.opts.clock ?? DEFAULT_CLOCK), async () => {
      this.scheduleArrival()
      if (this.open < (this.opts.maxOpen ?? 20_000)) await this.report(this.rnd.fork(++this.caseSeq))
    })
  }

  private async report(rnd: Random): Promise<void> {
    const w = this.world
    const matter = rnd.weighted(w.matters, w.matterWeights)
    const place = rnd.weighted(w.places, w.placeWeights)
    const source = rnd.weighted(SOURCES, SOURCES.map((s) => SOURCE_WEIGHTS[s]))
    const text = describeCase(rnd, matter, source, place.name)
    const steps = planCase(rnd, matter, w.departments)
    const res = await this.api.report({ source, matter: matter.code, lon: place.lon, lat: place.lat, actor: ACTOR, ...text })
    if (!res) {
      this.stats.refused++
      return
    }
    this.stats.reported++
    if (steps.length === 0) return
    this.open++
    this.scheduleStep({ id: res.id, matter, steps, next: 0, deadline: null })
  }

  private scheduleStep(c: SimCase): void {
    const step = c.steps[c.next]
    this.push(this.now() + step.after / this.opts.speed, () => this.act(c))
  }

  private async act(c: SimCase): Promise<void> {
    const step = c.steps[c.next++]
    const now = this.now()
    const body: ActRequest = { action: step.action, actor: ACTOR }
    const limit = (n: number) => new Date(Math.max(now, c.deadline ?? now) + (n * c.matter.limitMs) / this.opts.speed).toISOString()
    if (step.action === 'register') body.data = { deadline: new Date(now + c.matter.limitMs / this.opts.speed).toISOString() }
    if (step.action === 'extend') body.data = { deadline: limit(step.limits ?? 1) }
    if (step.action === 'dispatch') body.data = { department: step.department ?? c.matter.department }
    if (step.action === 'rate') body.data = { rating: step.rating, contacted: step.contacted }
    if (step.action === 'escalate' && step.tri) body.data = { tri: true }
    const res = await this.api.act(c.id, body)
    if (res) {
      this.stats.acted++
      c.refusals = 0
      if (res.deadline) c.deadline = Date.parse(res.deadline)
    } else {
      // A step the case no longer allows (an adopted case already at the city cannot escalate): the rest of
      // the plan may still fit; a case that refuses step after step is left alone.
      this.stats.refused++
      c.refusals = (c.refusals ?? 0) + 1
    }
    if ((c.refusals ?? 0) < 3 && c.next < c.steps.length && !this.stopped) this.scheduleStep(c)
    else this.open--
  }

  // ---- the queue: a min-heap on `at`, one timer for its head ------------------------------------------

  private push(at: number, run: () => Promise<void>): void {
    if (this.stopped) return
    this.queue.push({ at, run })
    this.arm()
  }

  private arm(): void {
    const head = this.queue.root()
    if (this.stopped || head === null) return
    const at = head.at
    if (this.timer !== null && at >= this.armedFor) return
    if (this.timer !== null) this.clearTimer(this.timer)
    this.armedFor = at
    // Node cannot wait longer than 2^31−1 ms; a longer wait wakes early, finds nothing due and re-arms.
    this.timer = this.setTimer(() => this.fire(), Math.min(MAX_DELAY, Math.max(0, at - this.now())))
  }

  private fire(): void {
    this.timer = null
    this.armedFor = Infinity
    const now = this.now()
    while (!this.stopped && (this.queue.root()?.at ?? Infinity) <= now) {
      const job = this.queue.pop()!
      const p: Promise<void> = job.run().catch((e: unknown) => {
        this.stats.failed++
        this.lastError = e
      })
      this.inFlight.add(p)
      void p.finally(() => this.inFlight.delete(p))
    }
    this.arm()
  }
}
