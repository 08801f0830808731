// What the browsers of one wall look at together, as shared wall state: a red alert that takes the wall over,
// an alert someone clicked (the map camera that shows it), and the case a control key sent the wall to. Any
// browser may start a takeover or a look (each sees the same alerts, so several may start the same one; the
// state is the same either way), and every browser ends what it applied after its time: a browser that
// reloads in the middle cannot leave the wall held for good.
import { computed, watch, type Ref } from 'vue'
import type { MapCamera } from '../../shared/conductor'
import type { AlertItem } from '../../shared/protocol'
import { useTimeout } from '../composables/useTimers'
import type { WallSync } from './useWallSync'

export interface WallFocusOptions {
  /** How long a takeover shows (as useTakeover's). */
  showMs?: number
  /** How long the wall looks at a clicked alert before it returns to its scope. */
  lookMs?: number
}

export function useWallFocus(sync: WallSync, local: Ref<AlertItem | null>, alerts: Ref<AlertItem[]>, o: WallFocusOptions = {}) {
  const state = sync.state
  const takeoverId = computed(() => state.value?.takeover ?? null)
  const takeover = computed(() => (takeoverId.value ? (alerts.value.find((a) => String(a.id) === takeoverId.value) ?? null) : null))
  const camera = computed<MapCamera | null>(() => state.value?.camera ?? null)
  const caseId = computed(() => state.value?.case ?? null)
  const driver = computed(() => state.value?.driver?.name ?? null)

  // This browser's own detection (useTakeover: red alerts, cooldown) starts a takeover for the whole wall.
  watch(local, (a) => a && sync.share({ takeover: String(a.id) }))

  const endTakeover = useTimeout()
  watch(takeoverId, (id) => {
    if (!id) return endTakeover.clear()
    endTakeover.start(() => takeoverId.value === id && sync.share({ takeover: null }), o.showMs ?? 8000)
  }, { immediate: true })

  const endLook = useTimeout()
  const key = computed(() => (camera.value ? JSON.stringify(camera.value) : null))
  watch(key, (k) => {
    if (!k) return endLook.clear()
    endLook.start(() => key.value === k && sync.share({ camera: null }), o.lookMs ?? 10_000)
  }, { immediate: true })

  return {
    takeover,
    camera,
    caseId,
    driver,
    /** The tour holds while the wall looks at something or a control key drives it. */
    held: computed(() => !!takeoverId.value || !!camera.value || caseId.value !== null || driver.value !== null),
    dismiss: () => sync.share({ takeover: null }),
    /** Show every browser of the wall this camera (an alert clicked on one of them). */
    look: (c: MapCamera) => sync.share({ camera: c }),
  }
}
