// The profile a /wall/<name> page shows, from GET /api/walls; an unknown name or browser number is an error
// the page states instead of guessing.
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { getJson } from '../api'
import type { WallProfile } from './profile'

export function useWallProfile(name: string | undefined, browser: number | undefined) {
  const { t } = useI18n()
  const profile: Ref<WallProfile | null> = ref(null)
  const ready = ref(name === undefined)
  const error = ref<string | null>(null)
  if (name !== undefined)
    getJson<WallProfile[]>('/api/walls')
      .then((walls) => {
        const p = walls.find((w) => w.name === name)
        if (!p) error.value = t('wall.unknown', { name })
        else if (browser !== undefined && !(browser >= 1 && browser <= Math.max(1, p.browsers?.length ?? 1)))
          error.value = t('wall.browser', { name, n: browser })
        else profile.value = p
      })
      .catch((e: Error) => (error.value = e.message))
      .finally(() => (ready.value = true))
  return { profile, ready, error }
}
