// The KPI figures screens show (shared/protocol SHOWN_*) decide whether a change of counters alone is worth a
// frame: a figure a screen reads but the list lacks would reach that screen late (with the room's next frame).
// So every counter and indicator the client's panels read must be on the list.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { COUNTERS } from '../../../shared/counters'
import { INDICATORS } from '../../../shared/indicators'
import { SHOWN_COUNTERS, SHOWN_INDICATORS } from '../../../shared/protocol'

const ROOT = join(import.meta.dirname, '../../../client')

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return /\.(ts|vue)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [{ file: path, text: readFileSync(path, 'utf8') }] : []
  })
}

/** Names the client reads as `counters.x` / `indicators.x`, or names in a KPI definition (`counter: 'x'`). */
function read(kind: 'counter' | 'indicator', known: readonly string[]): Map<string, string> {
  const found = new Map<string, string>()
  const patterns = [new RegExp(`${kind}s\\??\\.(\\w+)`, 'g'), new RegExp(`${kind}s\\??\\[['"](\\w+)['"]\\]`, 'g'), new RegExp(`\\b${kind}: '(\\w+)'`, 'g')]
  for (const { file, text } of sources(ROOT))
    for (const re of patterns) for (const m of text.matchAll(re)) if (known.includes(m[1])) found.set(m[1], file)
  return found
}

describe('the KPI figures screens show', () => {
  test('include every counter the client reads', () => {
    const counters = read('counter', COUNTERS)
    expect(counters.size).toBeGreaterThan(0)
    for (const [name, file] of counters) expect(SHOWN_COUNTERS, `${file} reads counters.${name}`).toContain(name)
  })

  test('include every indicator the client reads', () => {
    const indicators = read('indicator', INDICATORS)
    expect(indicators.size).toBeGreaterThan(0)
    for (const [name, file] of indicators) expect(SHOWN_INDICATORS, `${file} reads indicators.${name}`).toContain(name)
  })
})
