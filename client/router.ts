import { createRouter, createWebHistory } from 'vue-router'
import Wall from './screens/Wall.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'wall', component: Wall, meta: { kind: 'wall' } },
    // A wall profile (ONESCREEN_WALLS): the whole wall in one browser, or the part browser n drives.
    { path: '/wall/:name', name: 'profiled-wall', component: Wall, meta: { kind: 'wall' } },
    { path: '/wall/:name/:n(\\d+)', name: 'wall-part', component: Wall, meta: { kind: 'wall' } },
    // The tablet is a separate chunk: the wall never downloads it.
    { path: '/tablet', name: 'tablet', component: () => import('./screens/Tablet.vue'), meta: { kind: 'tablet' } },
    { path: '/:rest(.*)', redirect: '/' },
  ],
})

// The screen kind picks the size tokens (html.wall / html.tablet in styles/tokens.css).
router.afterEach((to) => {
  const kind = (to.meta.kind as string) ?? 'wall'
  document.documentElement.classList.toggle('wall', kind === 'wall')
  document.documentElement.classList.toggle('tablet', kind === 'tablet')
})
