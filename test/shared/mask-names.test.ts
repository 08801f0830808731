// Names inside citizen text (issue 10 §4): the corpus of report texts (every annotated person masked, nothing
// else touched), and measured false-positive rates on the district's own place names and the catalogue's
// matter names. The rates are printed and bounded; docs/privacy.md states them.
import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { maskName, maskText } from '../../shared/mask'
import { CORPUS } from './mask-corpus'

/** The corpus markup → the plain text, and per character: must it be masked? */
function parse(marked: string) {
  let text = ''
  const must: boolean[] = []
  const mentions: [number, number][] = []
  for (const m of marked.matchAll(/\[([^\]]+)\]|\{([^}]+)\}|([^[{]+)/gu)) {
    const start = text.length
    if (m[1]) {
      const masked = maskName(m[1])
      text += m[1]
      for (let i = 0; i < m[1].length; i++) must.push(masked[i] === '*')
    } else if (m[2]) {
      text += m[2]
      for (let i = 0; i < m[2].length; i++) must.push(true)
    } else {
      text += m[3]
      for (let i = 0; i < m[3].length; i++) must.push(false)
    }
    if (m[1] || m[2]) mentions.push([start, text.length])
  }
  return { text, must, mentions }
}

const isDigit = (c: string) => /[0-9Xx０-９]/.test(c)

describe('the corpus', () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(100)
  const results = CORPUS.map((e) => {
    const { text, must, mentions } = parse(e.text)
    const out = maskText(text, { names: [e.reporter] })
    const masked = Array.from(text, (c, i) => out[i] === '*' && c !== '*')
    const missed = mentions.filter(([a, b]) => must.slice(a, b).some((m, k) => m && !masked[a + k]))
    const extra = [...text].map((c, i) => (masked[i] && !must[i] && !isDigit(c) ? c : '')).join('')
    return { e, text, out, mentions: mentions.length, missed: missed.length, extra }
  })

  test('is the same length masked as plain (masking keeps the text\'s shape)', () => {
    for (const r of results) expect(r.out.length, r.text).toBe(r.text.length)
  })

  test('every named person is masked', () => {
    const mentions = results.reduce((n, r) => n + r.mentions, 0)
    const missed = results.filter((r) => r.missed > 0).map((r) => `${r.text} → ${r.out}`)
    console.log(`corpus: ${CORPUS.length} texts, ${mentions} person mentions, ${missed.length} missed`)
    expect(missed).toEqual([])
  })

  test('nothing else is masked (place names, matters, roles, ordinary words)', () => {
    const wrong = results.filter((r) => r.extra).map((r) => `${r.text} → ${r.out}`)
    const clean = results.filter((r) => r.mentions === 0).length
    console.log(`corpus: ${wrong.length} of ${CORPUS.length} texts with a character masked that is no name (${clean} texts name no one)`)
    expect(wrong).toEqual([])
  })
})

// ---- false positives on the district's own words ----------------------------------------------------

const topo = JSON.parse(readFileSync('fixtures/data/grids.topo.json', 'utf8')) as {
  objects: Record<string, { geometries: { properties?: { name?: string } }[] }>
}
const gridNames = [...new Set(['l1', 'l2', 'special'].flatMap((k) => topo.objects[k].geometries.map((g) => g.properties?.name ?? '')))].filter(Boolean)
// Roads, villages and landmarks of Erqi that reports name (many start with a surname character).
const ROADS = [
  '大学路', '京广路', '淮河路', '长江路', '陇海路', '航海路', '嵩山路', '福华街', '解放路', '德化街', '一马路', '二马路', '铭功路',
  '兴华街', '政通路', '工人路', '保全街', '连云路', '汝河路', '庆丰街', '大同路', '钱塘路', '民主路', '正兴街', '敦睦路', '苑陵街',
  '西站路', '兴华南街', '齐礼阎路', '马寨路', '侯寨路', '南三环', '南四环', '桐柏路', '冉屯路', '交通路', '帆布厂街', '华山路',
  '碧云路', '芦庄路', '王立砦路', '汉江路', '绿云路', '佛岗路', '刘胡垌路', '樱桃沟', '陈寨', '马寨', '侯寨', '王胡砦', '郭家咀',
  '贾鲁河', '金水区', '郑州', '黄河路', '石化路', '甘棠', '祝福路', '向阳路', '高铁站', '杨庄', '常庄', '孙八砦', '李江沟', '冯湾',
]
const catalogue = JSON.parse(readFileSync('fixtures/data/catalogue.json', 'utf8')) as { matters: { name: string; smallClassName: string }[] }
const matterNames = [...new Set(catalogue.matters.flatMap((m) => [m.name, m.smallClassName]))]

/** Sentences that invite each rule to fire on the word: a cue before it, a form of address after it. */
const CARRIERS = [
  (w: string) => w,
  (w: string) => `我是${w}的居民，电话13800000000。`,
  (w: string) => `本人${w}附近商户，反映占道经营。`,
  (w: string) => `联系人：${w}物业，电话0371-67181234`,
  (w: string) => `${w}师傅反映路灯不亮。`,
  (w: string) => `市民来电反映：${w}问题，请尽快处理。`,
  (w: string) => `我叫王伟，住在${w}，${w}有问题。`,
]

/** Share of the word's occurrences (over every carrier) in which one of its characters got masked. */
function falsePositives(words: string[]) {
  let total = 0
  const hit: string[] = []
  for (const w of words)
    for (const carry of CARRIERS) {
      const text = carry(w)
      const out = maskText(text)
      for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + w.length)) {
        total++
        if (out.slice(at, at + w.length) !== w) hit.push(`${text} → ${out}`)
      }
    }
  return { total, hit, rate: hit.length / total }
}

describe('false positives', () => {
  test('on place names (17 streets, 175 communities, 577 special grids, 65 roads and villages)', () => {
    const r = falsePositives([...gridNames, ...ROADS])
    console.log(`places: ${gridNames.length + ROADS.length} names, ${r.total} occurrences, ${r.hit.length} altered = ${(100 * r.rate).toFixed(2)} %`)
    if (r.hit.length) console.log(r.hit.slice(0, 20).join('\n'))
    expect(r.rate).toBeLessThan(0.01)
  })

  test('on matter names from the catalogue', () => {
    const r = falsePositives(matterNames)
    console.log(`matters: ${matterNames.length} names, ${r.total} occurrences, ${r.hit.length} altered = ${(100 * r.rate).toFixed(2)} %`)
    if (r.hit.length) console.log(r.hit.slice(0, 20).join('\n'))
    expect(r.rate).toBeLessThan(0.01)
  })
})

describe('maskText with names', () => {
  test('the issue\'s own example, and numbers still masked', () => {
    expect(maskText('我是张三，电话13812345678，身份证410103199001011234', { names: ['张三'] })).toBe(
      '我是张*，电话138****5678，身份证410***********1234',
    )
    expect(maskText('我是张三，电话13812345678')).toBe('我是张*，电话138****5678')
  })

  test('the reporter\'s name wherever it stands, even without a cue', () => {
    expect(maskText('12345热线转办：李娜反映路口积水。李娜称已反映多次', { names: ['李娜'] })).toBe('12345热线转办：李*反映路口积水。李*称已反映多次')
    expect(maskText('路口积水', { names: [null, '', '王'] })).toBe('路口积水')
  })
})
