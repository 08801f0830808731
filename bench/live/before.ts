// bench:live's comparison with the code before issue 13 (BENCH_BEFORE = a checkout of it, commit 8c497f9,
// with its node_modules and its data/bench.db, which its own bench:live builds): that checkout's server, screens
// and driver, each run from there, on a copy of its history. Issue 13 asks that the server's CPU per report be
// no higher than the old fixed tick's; on a shared 2-core machine that only means something in the same run.
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { message, waitHealthy } from '../child'

const TSX = ['--import', 'tsx']

export interface Before {
  dir: string
  base: string
  db: string
  key: string
  server: ChildProcess
  clients: ChildProcess
}

export async function startBefore(checkout: string, port: number, env: NodeJS.ProcessEnv, clients: number, measure: number): Promise<Before> {
  const dir = resolve(checkout)
  const history = join(dir, 'data/bench.db')
  if (!existsSync(history)) throw new Error(`${history} is missing: run npm run bench:live in ${dir} once (it builds its history)`)
  // The copy lives here, not in the other checkout: its own benches may be using its data/.
  const db = resolve('data/bench-before.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  copyFileSync(history, db)
  // Its key, made by its own code (the key format may differ from ours).
  await new Promise((r) => setTimeout(r, 0))
  const made = execFileSync(process.execPath, [...TSX, 'server/keys-cli.ts', 'create', '--role', 'write', '--source', 'import', '--name', 'bench driver'], {
    cwd: dir, env: { ...process.env, ONESCREEN_DB: db }, encoding: 'utf8',
  })
  const key = /secret[^:]*:\s*(\S+)/.exec(made)?.[1]
  if (!key) throw new Error(`no key from the old code's keys-cli:\n${made}`)
  const ro = new Database(db, { readonly: true })
  const streets = ro.prepare('SELECT code FROM grids WHERE level = 1').pluck().all() as string[]
  ro.close()
  const base = `http://127.0.0.1:${port}`
  // BENCH_PROFILE=dir: its CPU profile too, in dir/before (beside ours in dir).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE, 'before')}`] : []
  const server = fork(join(dir, 'server/main.ts'), [], {
    cwd: dir, execArgv: [...TSX, ...profile], env: { ...env, PORT: String(port), ONESCREEN_DB: db }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await waitHealthy(base)
  const screens = fork(join(dir, 'bench/live/clients.ts'), [], {
    cwd: dir, execArgv: TSX, env: { ...process.env, URL: base, MODE: 'live', CLIENTS: String(clients), MEASURE: String(measure), SCOPES: JSON.stringify(streets) },
  })
  await message(screens, 'ready')
  return { dir, base, db, key, server, clients: screens }
}
