// document.visibilityState as a ref: hidden screens stop applying updates and catch up when shown again.
import { onScopeDispose, ref, type Ref } from 'vue'

export function usePageVisible(): Ref<boolean> {
  const visible = ref(document.visibilityState !== 'hidden')
  const onChange = () => (visible.value = document.visibilityState !== 'hidden')
  document.addEventListener('visibilitychange', onChange)
  onScopeDispose(() => document.removeEventListener('visibilitychange', onChange))
  return visible
}
