// One ECharts instance per panel, created once and kept out of Vue reactivity (markRaw), resized by a
// ResizeObserver, disposed on unmount. Only the chart types the wall uses are bundled.
import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { use, init, type ECharts, type ComposeOption } from 'echarts/core'
import { LineChart, BarChart, PieChart, type LineSeriesOption, type BarSeriesOption, type PieSeriesOption } from 'echarts/charts'
import {
  GridComponent, LegendComponent, TooltipComponent,
  type GridComponentOption, type LegendComponentOption, type TooltipComponentOption,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { tally } from '../debug'
import { useRem } from './useRem'

use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type ChartOption = ComposeOption<
  LineSeriesOption | BarSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

/**
 * `build(rem)` returns the complete option for the current data and size token. It is applied with
 * notMerge so series data is replaced, never merged into a growing array; animation stays off because
 * frames arrive several times a second.
 */
export function useChart(el: Ref<HTMLElement | null>, build: (rem: number) => ChartOption | null) {
  const chart = shallowRef<ECharts | null>(null)
  const rem = useRem()
  let observer: ResizeObserver | null = null

  const render = () => {
    const c = chart.value
    if (!c) return
    const option = build(rem.value)
    if (option) c.setOption({ animation: false, ...option }, { notMerge: true, lazyUpdate: true })
  }

  onMounted(() => {
    if (!el.value) return
    chart.value = markRaw(init(el.value, undefined, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio }))
    tally('charts', 1)
    observer = new ResizeObserver(() => chart.value?.resize())
    observer.observe(el.value)
    render()
  })
  watch(rem, render)
  onBeforeUnmount(() => {
    observer?.disconnect()
    observer = null
    if (chart.value) {
      chart.value.dispose()
      chart.value = null
      tally('charts', -1)
    }
  })
  return { chart, render }
}
