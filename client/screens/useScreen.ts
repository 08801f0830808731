// What every screen kind shares: the scope (in the URL, held inside the viewer's root), the window, the
// map metric, the live data behind the visibility gate, the freshness every panel frame reads, the grid
// atlas (after the first frame), grid names, and the KPI being explained. A screen calls useScreen() once;
// ScreenMap and ScreenKpiDetail find it through provide/inject, so a new screen kind is a layout only.
import { computed, inject, provide, ref, type InjectionKey, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute } from 'vue-router'
import { WINDOWS, type Window } from '../../shared/protocol'
import { pageToken } from '../api'
import { useScope } from '../composables/useScope'
import { useScreenData } from '../composables/useScreenData'
import { provideFreshness } from '../composables/useFreshness'
import { useReplay } from '../composables/useReplay'
import { gridName, useGridAtlas } from '../map/useGridAtlas'
import type { MapMetric } from '../map/style'
import type { KpiDef } from '../panels/kpis'

export interface ScreenOptions {
  /** The window shown unless the URL asks for another (?window=). */
  window: Window
  /** A wall's browser: the wall's shared scope, window and metric replace the URL's and this page's own. */
  shared?: SharedView
}

export interface SharedView {
  /** The wall's state is known (or cannot be): the screen subscribes from then on. */
  ready: Ref<boolean>
  /** How long to hold a live frame so that every browser of the wall applies it at the same moment. */
  holdMs: (at: number) => number
  scope: Ref<string>
  setScope: (code: string) => void
  window: Ref<Window>
  metric: Ref<MapMetric>
}

export function useScreen(root: Ref<string>, o: ScreenOptions) {
  const { t } = useI18n()
  const route = useRoute()
  const { scope, setScope } = o.shared ?? useScope(root)
  const asked = route.query.window as Window
  const window = o.shared?.window ?? ref<Window>(WINDOWS.includes(asked) ? asked : o.window)
  const metric = o.shared?.metric ?? ref<MapMetric>('density')
  const live = useScreenData(scope, window, pageToken(), o.shared)
  const fresh = provideFreshness(live.status, live.lastFrameAt, live.error)
  const { atlas, error: atlasError } = useGridAtlas({ after: live.firstFrame })
  const screen = {
    root, scope, setScope, window, metric, live, fresh, atlas, atlasError,
    windowLabel: computed(() => t(`window.${window.value}`)),
    nameOf: (code: string) => gridName(atlas.value, code),
    /** The KPI whose formula and cases are open, if any. */
    explain: ref<KpiDef | null>(null),
    /** The replay this screen (or its wall) shows instead of live, and its controls. */
    replay: useReplay(live),
  }
  provide(SCREEN, screen)
  return screen
}

export type Screen = ReturnType<typeof useScreen>
const SCREEN: InjectionKey<Screen> = Symbol('screen')

/** The screen a component sits in (ScreenMap, ScreenKpiDetail). */
export function injectScreen(): Screen {
  const s = inject(SCREEN, null)
  if (!s) throw new Error('a screen part outside a screen: call useScreen() in the screen')
  return s
}
