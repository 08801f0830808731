// Plain JavaScript, so that any Node can start it: loads the TypeScript worker through tsx, whether or not
// the process that started the worker runs under tsx itself (npm start, npm run import, vitest, plain node).
import { writeFileSync } from 'node:fs'
import { tsImport } from 'tsx/esm/api'

// Named, so `top -H` and bench:live's CPU per thread tell this thread from V8's and libuv's (Linux only).
try {
  writeFileSync('/proc/thread-self/comm', 'import')
} catch {
  /* not Linux */
}

await tsImport('./worker.ts', import.meta.url)
