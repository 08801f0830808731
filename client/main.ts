import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import './styles/base.css'
import 'maplibre-gl/dist/maplibre-gl.css'

document.documentElement.classList.add(location.pathname.startsWith('/tablet') ? 'tablet' : 'wall')
createApp(App).use(router).use(i18n).mount('#app')
