// Masking of personal data for every screen (brief principle 7): 张*, 138****5678, and inside free text the
// phone and ID-card numbers and the people a citizen named (shared/names). Pure. Only an operator scope ever
// sees the unmasked values. The policy, with what is not masked and why: docs/privacy.md.
import { findNames } from './names'

const MASK = '*'

/** Keep the first character: 张三 → 张*, 欧阳娜娜 → 欧***. A one-character name is fully masked. */
export function maskName(name: string): string
export function maskName(name: string | null | undefined): string | null
export function maskName(name: string | null | undefined): string | null {
  if (name == null) return null
  const chars = Array.from(name.trim()) // code points, so rare CJK characters stay whole
  if (chars.length <= 1) return chars.length ? MASK : ''
  return chars[0] + chars.slice(1).map((c) => (/\s/.test(c) ? c : MASK)).join('')
}

// Full-width digits (１３８…) are common from Chinese input methods; they are matched like ASCII ones.
const normalise = (s: string) =>
  s.replace(/[０-９Ｘｘ]/g, (c) => (c === 'Ｘ' || c === 'ｘ' ? 'X' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))

/** Mask the digits of `s` except the first `keepHead` and last `keepTail` digits; separators stay. */
function maskDigits(original: string, normalised: string, keepHead: number, keepTail: number): string {
  const total = normalised.replace(/[^0-9Xx]/g, '').length
  let seen = 0
  let out = ''
  for (let i = 0; i < original.length; i++) {
    if (/[0-9Xx]/.test(normalised[i])) {
      out += seen >= keepHead && seen < total - keepTail ? MASK : original[i]
      seen++
    } else out += original[i]
  }
  return out
}

/** Digits kept at the head and tail of a phone number, by its shape. */
function phoneKeep(digits: string): [number, number] {
  const mobile = /^(?:0{0,2}86)?1\d{10}$/.exec(digits)
  if (mobile) return [digits.length - 8, 4] // country code and 138 kept: 138****5678
  if (/^0\d{9,11}$/.test(digits)) return [/^0(?:10|2\d)/.test(digits) ? 3 : 4, 4] // area code kept: 0371-****1234
  if (digits.length >= 7) return [0, 4] // a local number: ****1234
  if (digits.length >= 5) return [0, 2]
  return [0, 0]
}

/** 13812345678 → 138****5678; 0371-67181234 → 0371-****1234; separators and a +86 prefix are kept. */
export function maskPhone(phone: string): string
export function maskPhone(phone: string | null | undefined): string | null
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone == null) return null
  const s = phone.trim()
  const n = normalise(s)
  const [head, tail] = phoneKeep(n.replace(/\D/g, ''))
  return maskDigits(s, n, head, tail)
}

// Numbers that identify a person inside free text, on digit boundaries so longer numbers are left alone.
const ID18 = String.raw`\d{17}[\dXx]`
const ID15 = String.raw`\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}` // the old 15-digit card: area + yymmdd + 3
const MOBILE = String.raw`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`
const LANDLINE = String.raw`0\d{2,3}-?\d{7,8}`
const PERSONAL = new RegExp(String.raw`(?<!\d)(?:(${ID18})|(${ID15})|(${MOBILE})|(${LANDLINE}))(?!\d)`, 'g')

export interface TextMaskOptions {
  /** Names to mask wherever they appear: the case's own reporter. */
  names?: readonly (string | null | undefined)[]
}

/**
 * Mask personal data inside citizen text: mobiles as 138****5678, ID cards as 410***********123X (birth date
 * hidden), landlines with an area code as 0371-****1234; the reporter's own name and any name the text
 * introduces (我是张三 → 我是张*), and a surname before a form of address (王师傅 → *师傅). Place names and
 * everything else are kept as written.
 */
export function maskText(text: string, opts?: TextMaskOptions): string
export function maskText(text: string | null | undefined, opts?: TextMaskOptions): string | null
export function maskText(text: string | null | undefined, opts: TextMaskOptions = {}): string | null {
  if (text == null) return null
  return maskNames(maskNumbers(text), opts.names ?? [])
}

function maskNames(text: string, names: readonly (string | null | undefined)[]): string {
  const spans = findNames(text, names)
  if (spans.length === 0) return text
  let out = ''
  let last = 0
  for (const s of spans) {
    const found = text.slice(s.start, s.end)
    out += text.slice(last, s.start) + (s.kind === 'name' ? maskName(found) : MASK.repeat(Array.from(found).length))
    last = s.end
  }
  return out + text.slice(last)
}

function maskNumbers(text: string): string {
  const n = normalise(text)
  let out = ''
  let last = 0
  for (const m of n.matchAll(PERSONAL)) {
    const start = m.index!
    const end = start + m[0].length
    const original = text.slice(start, end)
    const digits = m[0].replace(/[^\dXx]/g, '')
    const [head, tail] = m[1] || m[2] ? [3, 4] : phoneKeep(digits)
    out += text.slice(last, start) + maskDigits(original, m[0], head, tail)
    last = end
  }
  return out + text.slice(last)
}
