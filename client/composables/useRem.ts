// The current size token (the root font size in CSS px). Canvas content (ECharts) cannot use rem,
// so charts read this and re-apply their font sizes when the screen size changes.
import { onScopeDispose, ref, type Ref } from 'vue'

const read = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16

export function useRem(): Ref<number> {
  const rem = ref(read())
  const onResize = () => {
    const r = read()
    if (r !== rem.value) rem.value = r
  }
  window.addEventListener('resize', onResize)
  onScopeDispose(() => window.removeEventListener('resize', onResize))
  return rem
}
