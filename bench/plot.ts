import type { Sweep } from './sweep_bench.js'

const WIDTH = 880
const HEIGHT = 340
const PANEL = { width: 360, height: 240, top: 50, left: [70, 510] }
const SERIES = [
  { name: 'wifkit (distinct assertions)', key: 'wifkit', color: '#1f6feb' },
  { name: 'oidc-provider', key: 'peer', color: '#d1242f' },
] as const

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
function niceMax(max: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(max, 1e-9)))
  return ([1, 2, 5, 10].find((m) => m * power >= max) ?? 10) * power
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** One panel: y against concurrency on a log-2 axis, a polyline per series. */
function panel(
  sweep: Sweep,
  left: number,
  title: string,
  unit: string,
  y: (s: Sweep['wifkit'][number]) => number,
) {
  const { width, height, top } = PANEL
  const values = SERIES.flatMap((s) => sweep[s.key].map(y))
  const yMax = niceMax(Math.max(...values))
  const xs = sweep.concurrency.map((c) => Math.log2(c))
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)]
  const px = (c: number) => left + ((Math.log2(c) - x0) / (x1 - x0 || 1)) * width
  const py = (v: number) => top + height - (v / yMax) * height
  const out: string[] = [
    `<text x="${left + width / 2}" y="${top - 20}" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#888"/>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4
    out.push(
      `<line x1="${left}" x2="${left + width}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(v) + 4}" text-anchor="end">${v.toLocaleString('en-US')}</text>`,
    )
  }
  for (const c of sweep.concurrency) {
    out.push(`<text x="${px(c)}" y="${top + height + 16}" text-anchor="middle">${c}</text>`)
  }
  out.push(
    `<text x="${left + width / 2}" y="${top + height + 34}" text-anchor="middle">connections</text>`,
    `<text transform="translate(${left - 52} ${top + height / 2}) rotate(-90)" text-anchor="middle">${escape(unit)}</text>`,
  )
  for (const s of SERIES) {
    const points = sweep.concurrency.map(
      (c, i) => `${px(c).toFixed(1)},${py(y(sweep[s.key][i]!)).toFixed(1)}`,
    )
    out.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`,
    )
    for (const p of points) {
      const [cx, cy] = p.split(',')
      out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`)
    }
  }
  return out.join('\n')
}

/** Throughput and p99 latency against concurrency, for wifkit and the peer, as an SVG file. */
export function sweepSvg(sweep: Sweep, caption: string): string {
  const legend = SERIES.map(
    (s, i) =>
      `<rect x="${PANEL.left[0]! + i * 260}" y="${HEIGHT - 22}" width="14" height="4" fill="${s.color}"/>` +
      `<text x="${PANEL.left[0]! + i * 260 + 20}" y="${HEIGHT - 16}">${escape(s.name)}</text>`,
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="14" text-anchor="middle" fill="#555">${escape(caption)}</text>`,
    panel(sweep, PANEL.left[0]!, 'Throughput', 'tokens/s', (s) => s.rate),
    panel(sweep, PANEL.left[1]!, 'p99 latency', 'ms', (s) => s.p99Ms),
    ...legend,
    '</svg>',
    '',
  ].join('\n')
}
