// A replay worker's entry. Plain JavaScript, so a worker thread starts it the same under tsx, node and
// vitest; it loads the TypeScript host through tsx's scoped loader.
import { writeFileSync } from 'node:fs'
import { tsImport } from 'tsx/esm/api'

// Named, so `top -H` and bench:live's CPU per thread tell this thread from V8's and libuv's (Linux only).
try {
  writeFileSync('/proc/thread-self/comm', 'replay')
} catch {
  /* not Linux */
}

await tsImport('./worker.ts', import.meta.url)
