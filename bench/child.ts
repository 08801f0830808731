// What the bench scripts that drive child processes share: waiting for a child's IPC message, and a
// fresh writable copy of the bench history for a server child to write into.
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, rmSync } from 'node:fs'
import { historyDb } from './live/history'
import { Keys, type KeySource } from '../server/keys'

/** The first IPC message of `type` from `child`; rejects when the child exits first or after `timeoutMs`. */
export function message<T>(child: ChildProcess, type: string, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(t)
      child.off('message', on)
      child.off('exit', exit)
    }
    const t = setTimeout(() => (done(), reject(new Error(`no ${type} from child within ${timeoutMs} ms`))), timeoutMs)
    const on = (m: { type: string }) => m.type === type && (done(), resolve(m as T))
    const exit = (code: number | null) => (done(), reject(new Error(`child exited with ${code} waiting for ${type}`)))
    child.on('message', on)
    child.on('exit', exit)
  })
}

/** Copy the bench history (`base`, built once if missing; its checkpoint comes along) to `target`, with a
 *  fresh write key: the database a server child writes into. Returns the key and the street codes. */
export async function historyCopy(base: string, target: string, keyName: string, source: KeySource) {
  ;(await historyDb(base, 289_000)).$client.close()
  for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true })
  copyFileSync(base, target)
  const db = (await import('../server/db')).openDb(target)
  const key = new Keys(db).create({ role: 'write', name: keyName, source }).secret
  const streets = db.$client.prepare('SELECT code FROM grids WHERE level = 1').pluck().all() as string[]
  db.$client.close()
  return { key, streets }
}
