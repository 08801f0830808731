// Plain JavaScript, so that any Node can start it: loads the TypeScript worker through tsx, whether or not
// the process that started the worker runs under tsx itself (npm start, npm run import, vitest, plain node).
import { tsImport } from 'tsx/esm/api'

await tsImport('./worker.ts', import.meta.url)
