// Plain JavaScript, so that any Node can start it: loads the TypeScript worker through tsx, whether or not
// the process that started the worker runs under tsx itself (npm start, npm run import, vitest, plain node).
import { readlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { setPriority } from 'node:os'
import { register } from 'tsx/cjs/api'

/** How much lower than the server's own threads this one runs (nice, 0–19). */
const IMPORT_NICE = 10

try {
  // Reading the file is background work; the event loop that commits its rows also serves the wall. On a busy
  // machine this thread takes the CPU the loop leaves rather than half of it: a few batches parsed ahead are
  // all the loop needs. Linux sets a nice value per thread (its id is the last part of /proc/thread-self).
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), IMPORT_NICE)
  // Named, so `top -H` and bench:live's CPU per thread tell this thread from V8's and libuv's (Linux only).
  writeFileSync('/proc/thread-self/comm', 'import')
} catch {
  /* not Linux */
}

// tsx's require hook, which compiles in this thread: its ESM loader (tsImport) runs its hooks on a thread of
// their own, and loading the worker's modules through it took about a second, which the import waited for
// when the upload was quicker (bench:import); this takes about 0.2 s. (The worker's modules have no
// top-level await, which a require could not load.)
register()
createRequire(import.meta.url)('./worker.ts')
