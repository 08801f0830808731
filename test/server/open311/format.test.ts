import { describe, expect, it } from 'vitest'
import { XMLParser } from 'fast-xml-parser'
import { list, render } from '../../../server/open311/format'
import { parseIso } from '../../../server/open311/time'
import { DEFAULT_CLOCK } from '../../../shared/clock'
import { keywordsText } from '../../../server/open311/mapping'
import { parseRequestQuery, SPAN_MS } from '../../../server/open311/query'

const xml = new XMLParser({ parseTagValue: false, ignoreDeclaration: true })

describe('rendering', () => {
  it('writes lists as arrays in JSON and as repeated elements in XML', () => {
    const body = list('service', [{ service_code: '1', metadata: true, keywords: null }, { service_code: '2', metadata: false, keywords: 'a, b' }])
    expect(JSON.parse(render('json', 'services', body))).toEqual([
      { service_code: '1', metadata: true, keywords: null }, { service_code: '2', metadata: false, keywords: 'a, b' },
    ])
    expect(render('xml', 'services', body)).toBe(
      '<?xml version="1.0" encoding="utf-8"?><services><service><service_code>1</service_code><metadata>true</metadata>' +
        '<keywords></keywords></service><service><service_code>2</service_code><metadata>false</metadata><keywords>a, b</keywords></service></services>',
    )
    expect(render('json', 'services', list('service', []))).toBe('[]')
    expect(render('xml', 'services', list('service', []))).toBe('<?xml version="1.0" encoding="utf-8"?><services></services>')
  })

  it('keeps citizen text as text: escaped, and without characters XML cannot carry', () => {
    const text = '<b>井盖</b> & "坑" \u0007\u0000ok\n第二行'
    const out = render('xml', 'service_requests', list('request', [{ description: text }]))
    expect(out).toContain('&lt;b&gt;井盖&lt;/b&gt; &amp;')
    expect(xml.parse(out).service_requests.request.description).toBe('<b>井盖</b> & "坑" ok\n第二行')
    expect(JSON.parse(render('json', 'x', list('request', [{ description: text }])))[0].description).toBe(text)
  })
})

describe('dates', () => {
  it('writes local time with the +08:00 offset', () => {
    expect(DEFAULT_CLOCK.iso(Date.parse('2026-01-31T18:30:05Z'))).toBe('2026-02-01T02:30:05+08:00')
  })

  it('reads W3C datetimes and refuses ones without a zone or that cannot exist', () => {
    expect(parseIso('2010-01-01T00:00:00Z')).toBe(Date.parse('2010-01-01T00:00:00Z'))
    expect(parseIso('1994-11-05T08:15:30-05:00')).toBe(Date.parse('1994-11-05T13:15:30Z'))
    expect(parseIso('2026-11-26T10:00+0800')).toBe(Date.parse('2026-11-26T02:00:00Z'))
    expect(parseIso('2026-11-26T10:00:00.250+08:00')).toBe(Date.parse('2026-11-26T02:00:00.250Z'))
    for (const bad of ['2026-11-26T10:00:00', '2026-11-26', '2026-02-30T10:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T10:00:00+15:00', 'now'])
      expect(parseIso(bad), bad).toBeNull()
  })
})

describe('the requests query', () => {
  const NOW = Date.parse('2026-11-26T00:00:00Z')
  it('defaults to the last 90 days and reads comma lists', () => {
    expect(parseRequestQuery({}, NOW)).toEqual({ kind: 'filter', serviceCodes: [], statuses: [], start: NOW - SPAN_MS, end: NOW })
    expect(parseRequestQuery({ service_code: '01, 02,,01', status: 'open,closed' }, NOW)).toMatchObject({ serviceCodes: ['01', '02'], statuses: ['open', 'closed'] })
    expect(parseRequestQuery({ service_request_id: '5,3,5', status: 'bogus' }, NOW)).toEqual({ kind: 'ids', ids: [5, 3] })
  })

  it('accepts exactly 90 days and not a millisecond more', () => {
    const start = '2026-01-01T00:00:00Z'
    expect(parseRequestQuery({ start_date: start, end_date: '2026-04-01T00:00:00Z' }, NOW)).toMatchObject({ kind: 'filter' })
    expect(() => parseRequestQuery({ start_date: start, end_date: '2026-04-01T00:00:00.001Z' }, NOW)).toThrow(/90 days/)
  })
})

describe('keywords', () => {
  it('reads a JSON list or plain text into the spec form', () => {
    expect(keywordsText('["井盖","窨井"]')).toBe('井盖, 窨井')
    expect(keywordsText('井盖,窨井，下水道盖、盖板')).toBe('井盖, 窨井, 下水道盖, 盖板')
    expect(keywordsText('')).toBe('')
  })
})
