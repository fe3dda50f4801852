// chart.js with only the parts the dashboard draws, registered once. Loaded on the client with a
// dynamic import, so pages ship it only when they draw a chart, after the first render.
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, ScatterController, Tooltip,
} from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip)
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif'
Chart.defaults.color = '#334155'

export { Chart }
