// npx tsx bench/cpuprofile.ts <file.cpuprofile> [top=40] [--from=s] [--to=s] [--timeline] — where a server's main thread spends its CPU.
// Sums the self time of a V8 CPU profile (node --cpu-prof, as BENCH_PROFILE writes them) by function and by
// file, and the inclusive time of the project's own functions (a function's own time plus its callees').
// Idle is left out, so shares are of the busy time ((program) is native work outside JS, (garbage collector) GC). --from/--to cut a window in seconds from the
// profile's start (the bench's measured rounds, without the start-up).
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
}

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a))
if (!file) throw new Error('usage: tsx bench/cpuprofile.ts <file.cpuprofile> [top] [--from=s] [--to=s]')
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 40)
const opt = (name: string) => {
  const a = args.find((x) => x.startsWith(`--${name}=`))
  return a === undefined ? undefined : Number(a.split('=')[1]) * 1e6
}
const from = opt('from') ?? -Infinity
const to = opt('to') ?? Infinity

const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*?\/(server|shared|bench)\//, '$1/')
const where = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
const own = (n: Node) => /\/(server|shared)\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')

const self = new Map<string, number>()
const byFile = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
let idle = 0
let t = 0
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i]
  if (t < from || t > to) continue
  const dt = p.timeDeltas[i + 1] ?? 0 // a sample's time runs until the next one
  const n = byId.get(p.samples[i])!
  const name = n.callFrame.functionName
  if (name === '(idle)') {
    idle += dt
    continue
  }
  total += dt
  const key = where(n)
  self.set(key, (self.get(key) ?? 0) + dt)
  const f = n.callFrame.url ? short(n.callFrame.url) : name
  byFile.set(f, (byFile.get(f) ?? 0) + dt)
  // Inclusive: each of the project's functions on the stack once.
  const seen = new Set<string>()
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const m = byId.get(id)!
    if (!own(m)) continue
    const k = where(m)
    if (seen.has(k)) continue
    seen.add(k)
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt)
  }
}

if (args.includes('--timeline')) {
  // Busy ms per 5 s of the profile: where start-up ends and the measured rounds begin.
  const busy: number[] = []
  let at = 0
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i]
    const n = byId.get(p.samples[i])!
    if (n.callFrame.functionName !== '(idle)') busy[Math.floor(at / 5e6)] = (busy[Math.floor(at / 5e6)] ?? 0) + (p.timeDeltas[i + 1] ?? 0)
  }
  console.log('busy ms per 5 s:', Array.from(busy, (b, i) => `${i * 5}s:${Math.round((b ?? 0) / 1000)}`).join(' '))
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(7)
const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5)
const list = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}`)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(v)} ms ${pct(v)} %  ${k}`)
}
console.log(`${file}: busy ${ms(total)} ms, idle ${ms(idle)} ms`)
list('self time by function', self, top)
list('self time by file', byFile, Math.ceil(top / 2))
list("inclusive time of the project's functions", inclusive, top)
