// Matter classes on the real catalogue: big-class codes restart in each kind, so the layout must keep
// 部件 01 公用设施 and 事件 01 市容环境 apart, or the categories panel counts them under one wrong name.
import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { Layout } from '../../../server/metrics/layout'
import type { Grid } from '../../../shared/grid'

const catalogue = JSON.parse(readFileSync('fixtures/data/catalogue.json', 'utf8')) as {
  departments: { code: string; name: string }[]
  matters: { code: string; kind: string; bigClass: string; bigClassName: string }[]
}
const grids: Grid[] = [{ code: '410103', name: '二七区', level: 0, parent: null }]
const layout = new Layout({ grids, departments: catalogue.departments, matters: catalogue.matters })

describe('matter big classes', () => {
  test('one class per kind and big class, with the kind named where two kinds share a name', () => {
    const distinct = new Set(catalogue.matters.map((m) => `${m.kind}/${m.bigClass}`))
    expect(layout.bigClasses).toHaveLength(distinct.size)
    const names = layout.bigClasses.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('公用设施')
    expect(names).toContain('部件·市容环境')
    expect(names).toContain('事件·市容环境')
  })

  test('every matter maps to the class of its own kind', () => {
    for (const m of catalogue.matters) {
      const c = layout.bigClasses[layout.classOfMatter(m.code)]
      expect(c.name === m.bigClassName || c.name === `${m.kind}·${m.bigClassName}`, m.code).toBe(true)
    }
    const component = catalogue.matters.find((m) => m.kind === '部件' && m.bigClass === '01')!
    const event = catalogue.matters.find((m) => m.kind === '事件' && m.bigClass === '01')!
    expect(layout.classOfMatter(component.code)).not.toBe(layout.classOfMatter(event.code))
  })
})
