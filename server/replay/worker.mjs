// A replay worker's entry. Plain JavaScript, so a worker thread starts it the same under tsx, node and
// vitest; it loads the TypeScript host through tsx's scoped loader.
import { tsImport } from 'tsx/esm/api'

await tsImport('./worker.ts', import.meta.url)
