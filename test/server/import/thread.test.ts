import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { startJob, warmUp } from '../../../server/import/thread'

/** The nice value of this process's thread named `name` (Linux), once it is up. */
async function niceOf(name: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    for (const tid of readdirSync('/proc/self/task')) {
      let comm = ''
      try {
        comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
      } catch {
        continue // the thread ended meanwhile
      }
      if (comm !== name) continue
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      // Fields after the command's closing parenthesis: state is the 3rd field, nice the 19th.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no thread named ${name}`)
}

const job = () => ({ file: '/nonexistent', kind: 'csv' as const, reportFile: null, parse: { matters: [], departments: [], now: Date.now(), batchSize: 10 } })

describe('the import thread', () => {
  it('can be started ahead of a job, which then runs on it', async () => {
    const warm = warmUp()
    expect(warmUp()).toBe(warm)
    const died: Error[] = []
    const running = startJob(job(), () => {}, (e) => died.push(e))
    expect(running.threadId).toBe(warm)
    running.close(true)
    expect(died).toEqual([])
  })

  it.runIf(process.platform === 'linux')('runs below the priority of the event loop it feeds', async () => {
    const running = startJob(job(), () => {}, () => {})
    expect(await niceOf('import')).toBe(10)
    running.close(true)
  })
})
