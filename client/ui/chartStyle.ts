// Shared ECharts styling in size tokens: canvas text cannot use rem, so sizes are multiplied by the
// current root font size.
export const PALETTE = ['#3fd2ff', '#35d49a', '#ffb547', '#9b8cff', '#ff7a90', '#2f7bff', '#f5e663']

export function axisText(rem: number) {
  return { color: '#9db3cf', fontSize: Math.round(0.75 * rem), fontFamily: 'Barlow Condensed, Noto Sans SC, sans-serif' }
}
export function labelText(rem: number) {
  return { color: '#e6f1ff', fontSize: Math.round(0.8 * rem), fontFamily: 'Noto Sans SC, sans-serif' }
}
export const splitLine = { lineStyle: { color: 'rgba(120,170,230,0.12)' } }
export const axisLine = { lineStyle: { color: 'rgba(120,170,230,0.3)' } }
export function tooltip(rem: number) {
  return {
    trigger: 'axis' as const,
    backgroundColor: 'rgba(6,18,36,0.95)',
    borderColor: 'rgba(86,190,255,0.6)',
    textStyle: { color: '#e6f1ff', fontSize: Math.round(0.8 * rem) },
  }
}
