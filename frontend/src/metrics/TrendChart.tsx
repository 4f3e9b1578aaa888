import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsGroup } from '../api';
import { useI18n } from '../i18n';
import { duration, weekStart } from './format';

// useTheme follows the theme App puts on <html data-theme>.
function useTheme(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    const obs = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? 'light'));
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => obs.disconnect();
  }, []);
  return theme;
}

// cssVar reads a colour of the stylesheet's theme (a canvas cannot use
// var(), and the colours change with the theme).
const cssVar = (el: Element, name: string, fallback: string) => getComputedStyle(el).getPropertyValue(name).trim() || fallback;

// TrendChart draws the weekly median and p90 first response times with
// uPlot (canvas; it sets sizes through the CSSOM only, which the strict
// CSP allows: no style attributes, no eval). onCanvas hands the canvas
// out, for the PNG export.
export function TrendChart({ weeks, onCanvas }: { weeks: MetricsGroup[]; onCanvas?: (c: HTMLCanvasElement | null) => void }) {
  const { t, locale } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  const draw = (UPlot: typeof uPlot, el: HTMLDivElement) => {
    const points = weeks.filter((w) => !Number.isNaN(weekStart(w.id)));
    const mins = (v: number | null | undefined) => (v === null || v === undefined ? null : v / 60);
    const data: uPlot.AlignedData = [
      points.map((w) => weekStart(w.id)),
      points.map((w) => mins(w.medianSeconds)),
      points.map((w) => mins(w.p90Seconds)),
    ];
    const fg = cssVar(el, '--fg', '#1c2230');
    const grid = cssVar(el, '--border', '#d8dce6');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // Dates in the UI's language (uPlot's own are English): weeks start on
    // a UTC Monday (weekStart).
    const day = (secs: number | null) =>
      secs === null ? '' : new Date(secs * 1000).toLocaleDateString(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const u = new UPlot(
      {
        width: Math.max(el.clientWidth, 320),
        height: 220,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1)] } },
        axes: [{ ...axis, values: (_u, vals) => vals.map(day) }, { ...axis, values: (_u, vals) => vals.map((v) => duration(v * 60, locale)), size: 110 }],
        series: [
          { label: t('metrics.chart.week'), value: (_u, v) => day(v) },
          { label: t('metrics.median'), stroke: cssVar(el, '--accent', '#3566d6'), width: 2, points: { show: true }, value: (_u, v) => duration(v === null ? null : v * 60, locale) },
          { label: t('metrics.p90'), stroke: cssVar(el, '--chart-2', '#d9822b'), width: 2, dash: [6, 4], points: { show: true }, value: (_u, v) => duration(v === null ? null : v * 60, locale) },
        ],
      },
      data,
      el,
    );
    onCanvas?.(u.ctx?.canvas ?? null);
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 320), height: 220 }));
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      onCanvas?.(null);
      u.destroy();
    };
  };
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // uPlot is loaded with the section (it reads the screen's pixel ratio
    // when it loads), in a chunk of its own.
    let done = false;
    let cleanup: (() => void) | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (done) return;
      cleanup = draw(UPlot, el);
    });
    return () => {
      done = true;
      cleanup?.();
    };
  }, [weeks, theme, t, locale, onCanvas]);

  return <div className="metrics-chart" ref={box} data-testid="metrics-chart" role="img" aria-label={t('metrics.chart.title')} />;
}
