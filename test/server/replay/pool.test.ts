// The replay pool's spare worker: the next session's worker is loaded ahead of time, but not while a session
// has just opened and is being driven (loading one costs about a core-second, which landed on a wall's first
// seeks); it loads once the commands have paused for SPARE_AFTER_QUIET_MS. Workers are stand-ins here: the
// question is when the pool starts them, not what they compute.
import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const started: FakeWorker[] = []
class FakeWorker extends EventEmitter {
  constructor() {
    super()
    started.push(this)
    queueMicrotask(() => this.emit('message', { op: 'ready' }))
  }
  postMessage(m: { op: string; req?: number }) {
    if (m.req !== undefined) queueMicrotask(() => this.emit('message', { op: 'reply', req: m.req, result: { at: 0 } }))
  }
  unref() {}
  async terminate() {}
}
vi.mock('node:worker_threads', () => ({ Worker: FakeWorker }))
const { ReplayPool, SPARE_AFTER_QUIET_MS } = await import('../../../server/replay/pool')
type Options = ConstructorParameters<typeof ReplayPool>[0]

describe('ReplayPool spare worker', () => {
  beforeEach(() => {
    started.length = 0
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('loads the next session’s worker only after the sessions have been quiet, not during a new session’s first seeks', async () => {
    const pool = new ReplayPool({ dbFile: 'replay.db', sql: null, indicators: {}, utcOffsetMinutes: 480, maxSessions: 8 } as unknown as Options)
    pool.warm() // at start: the service worker and a spare
    expect(started.length).toBe(2)
    const h = await pool.open({ scope: '410103', window: 'today', at: 0 }, { frame: () => {}, status: () => {} })
    // The session took the spare; while it is driven, no new one loads.
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(SPARE_AFTER_QUIET_MS / 2)
      await h.command({ op: 'seek', at: i })
      expect(started.length).toBe(2)
    }
    await vi.advanceTimersByTimeAsync(SPARE_AFTER_QUIET_MS)
    expect(started.length).toBe(3)
    // The next session starts on it, and no timer is left behind when the pool closes.
    await pool.open({ scope: '410103', window: 'today', at: 0 }, { frame: () => {}, status: () => {} })
    expect(started.length).toBe(3)
    await pool.close()
    expect(vi.getTimerCount()).toBe(0)
  })
})
