// A transaction held across event-loop turns (the import's slices share one): nobody is answered, and no
// listener hears, before it commits and is on disk; a crash before that loses only unanswered writes.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as turn } from 'node:timers/promises'
import { openDb, type Db } from '../../../server/db'
import { GridIndex } from '../../../server/geo'
import { Ingest } from '../../../server/cases/ingest'
import { AT, MATTERS, counts, seedSmall } from '../helpers'

const report = () => ({ source: 'patrol', matter: MATTERS.litter, lon: AT.a1[0], lat: AT.a1[1], description: '暴露垃圾', actor: 'patrol:1' })

let dir: string
let file: string
let db: Db
let ingest: Ingest
/** The fsyncs asked for, each settled by the test. */
let syncs: (() => void)[]
let heard: number[][]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onescreen-held-'))
  file = join(dir, 'db.sqlite')
  db = openDb(file)
  seedSmall(db)
  syncs = []
  heard = []
  ingest = new Ingest(db, GridIndex.load(db), { durable: () => new Promise<void>((r) => syncs.push(r)) })
  ingest.on('committed', (b) => heard.push(b.map((c) => c.event.caseId)))
})
afterEach(() => {
  if (db.$client.open) db.$client.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Whether a promise has settled yet (after the turns queued so far). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => (done = true), () => (done = true))
  await turn()
  return done
}

describe('a held transaction', () => {
  test('a job submitted while it is held is answered only once it commits and is on disk, and heard at the commit', async () => {
    const held = ingest.hold(10_000)
    ingest.report(report()) // the bulk writer's slice
    const job = ingest.submit(() => ingest.report(report()))
    await turn()
    await turn()
    expect(await settled(job)).toBe(false)
    expect(heard).toEqual([])
    // durable() of a direct write inside it waits for it too
    const direct = ingest.durable()
    expect(syncs).toHaveLength(0)
    ingest.release()
    expect(heard).toEqual([[1, 2]])
    expect(await settled(job)).toBe(false) // committed, not yet on disk
    expect(syncs).toHaveLength(1)
    syncs[0]()
    expect((await job).caseId).toBe(2)
    await direct
    await held
    expect(ingest.stats).toMatchObject({ spans: 1 })
  })

  test('a crash before its commit loses exactly the writes nobody was answered for', async () => {
    ingest.report(report())
    const answered = ingest.durable()
    syncs.forEach((s) => s())
    await answered
    ingest.hold(10_000)
    ingest.report(report())
    const job = ingest.submit(() => ingest.report(report()))
    await turn()
    await turn()
    expect(await settled(job)).toBe(false)
    // kill -9: the connection goes without a commit
    db.$client.close()
    const after = openDb(file)
    try {
      expect(counts(after)).toMatchObject({ cases: 1, events: 1 })
    } finally {
      after.$client.close()
    }
    expect(heard).toEqual([[1]])
  })

  test('commits by itself after maxMs, whatever the holder does', async () => {
    ingest.hold(30)
    ingest.report(report())
    const job = ingest.submit(() => ingest.report(report()))
    await new Promise((r) => setTimeout(r, 80))
    expect(heard).toEqual([[1, 2]])
    syncs.forEach((s) => s())
    expect((await job).caseId).toBe(2)
  })

  test('a commit that fails answers the jobs inside with its error; nobody hears of them and ids are reused', async () => {
    // A deferred foreign key is checked at COMMIT: a row breaking it makes the commit itself fail.
    db.$client.exec('CREATE TABLE dangling (case_id INTEGER REFERENCES cases(id) DEFERRABLE INITIALLY DEFERRED)')
    const held = ingest.hold(10_000)
    ingest.report(report())
    const job = ingest.submit(() => ingest.report(report()))
    await turn()
    await turn()
    db.$client.prepare('INSERT INTO dangling VALUES (999)').run()
    await expect(ingest.release()).rejects.toThrow(/FOREIGN KEY/)
    await expect(job).rejects.toThrow(/FOREIGN KEY/)
    await expect(held).rejects.toThrow(/FOREIGN KEY/)
    expect(heard).toEqual([])
    expect(db.$client.inTransaction).toBe(false)
    expect(counts(db)).toMatchObject({ cases: 0, events: 0 })
    expect(ingest.report(report()).caseId).toBe(1)
  })

  test('a write that fails after storing part rolls the whole held transaction back, and fails every write in it', async () => {
    // A report's events are appended before its case row: a trigger refusing the row fails it partway.
    db.$client.exec("CREATE TRIGGER boom BEFORE INSERT ON cases WHEN NEW.description = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END")
    const held = ingest.hold(10_000)
    ingest.report(report())
    const job = ingest.submit(() => ingest.report(report()))
    await turn()
    await turn()
    // A refusal that stored nothing leaves the held transaction alone...
    expect(() => ingest.report({ ...report(), matter: 'nope' })).toThrow(/matter/)
    // ...one that stored part does not.
    expect(() => ingest.report({ ...report(), description: 'boom' })).toThrow(/rolled back.*boom/)
    await expect(job).rejects.toThrow(/boom/)
    await expect(held).rejects.toThrow(/boom/)
    expect(db.$client.inTransaction).toBe(false)
    expect(heard).toEqual([])
    expect(counts(db)).toMatchObject({ cases: 0, events: 0 })
    expect(ingest.report(report()).caseId).toBe(1)
  })

  test('cannot be opened inside a write', () => {
    expect(() => ingest.together(() => void ingest.hold(100))).toThrow(/between writes/)
  })
})
