// The test probes are off unless the page opts in before the app starts: a production page has no
// window.__onescreen and counts nothing.
import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

describe('debug hook', () => {
  it('is absent without the opt-in, and counting is then a no-op', async () => {
    const page: { __onescreen?: unknown } = {}
    vi.stubGlobal('window', page)
    const { debugHook, tally } = await import('../../client/debug')
    expect(debugHook).toBeNull()
    tally('timers', 1)
    expect(page.__onescreen).toBeUndefined()
  })

  it('is installed on the object the page defined, with counters and the wire codec', async () => {
    const page = { __onescreen: {} as Record<string, unknown> }
    vi.stubGlobal('window', page)
    const { debugHook, tally } = await import('../../client/debug')
    expect(debugHook).toBe(page.__onescreen)
    tally('timers', 1)
    tally('maps', 1)
    tally('maps', -1)
    expect(page.__onescreen).toMatchObject({ timers: 1, maps: 0, charts: 0 })
    expect(typeof (page.__onescreen.protocol as { decodeGridValues: unknown }).decodeGridValues).toBe('function')
  })
})
