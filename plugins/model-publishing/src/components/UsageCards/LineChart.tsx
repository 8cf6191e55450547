import { KeyboardEvent, MouseEvent, useState } from 'react';
import { useTheme } from '@material-ui/core/styles';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

export type PaletteKey =
  | 'primary'
  | 'secondary'
  | 'error'
  | 'warning'
  | 'info'
  | 'success';

export interface Series {
  name: string;
  values: number[];
  /** A theme palette key, so the chart follows the light/dark theme. */
  color: PaletteKey;
  /** An SVG dash pattern, to tell lines apart beyond colour (per-key series). */
  dash?: string;
}

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { top: 10, right: 10, bottom: 24, left: 44 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
let chartCount = 0;

/** Points of a polyline for values scaled into the plot area. Pure, for tests. */
export function linePoints(
  values: number[],
  max: number,
  width = WIDTH,
  height = HEIGHT,
): string {
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const step = values.length > 1 ? plotW / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = PAD.left + i * step;
      const y = PAD.top + plotH - (max > 0 ? (v / max) * plotH : 0);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * Gridline values for counts: distinct integers from 0, a 1/2/5×10ⁿ step apart, the last at or above
 * `max` (at most three lines, so small counts never show the same label twice). Pure, for tests.
 */
export function axisTicks(max: number): number[] {
  const rough = Math.max(1, max / 2);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= rough)!;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

/**
 * The bucket under a pointer at `fraction` (0–1) of the chart's drawn width, for `count` buckets.
 * Pure, for tests.
 */
export function bucketAt(fraction: number, count: number): number {
  if (count <= 1) return 0;
  const x = fraction * WIDTH;
  const i = Math.round(((x - PAD.left) / PLOT_W) * (count - 1));
  return Math.min(count - 1, Math.max(0, i));
}

/** The bucket a key moves to from `current` (undefined: none chosen yet). Pure, for tests. */
export function bucketAfterKey(
  key: string,
  current: number | undefined,
  count: number,
): number | undefined | 'unhandled' {
  if (count === 0) return 'unhandled';
  const last = count - 1;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return current === undefined ? last : Math.min(last, current + 1);
    case 'ArrowLeft':
    case 'ArrowDown':
      return current === undefined ? last : Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageUp':
      return current === undefined ? last : Math.max(0, current - 10);
    case 'PageDown':
      return current === undefined ? last : Math.min(last, current + 10);
    case 'Escape':
      return undefined;
    default:
      return 'unhandled';
  }
}

/** "Nov 25, 10 AM: Requests 100, Errors 3" — what the readout says for one bucket. */
export function readout(
  labels: string[],
  series: Pick<Series, 'name' | 'values'>[],
  index: number,
  format: (n: number) => string = n => n.toLocaleString(),
): string {
  return `${labels[index]}: ${series
    .map(s => `${s.name} ${format(s.values[index] ?? 0)}`)
    .join(', ')}`;
}

/**
 * A small inline-SVG line chart: no chart library in the bundle (recharts 3 would add redux,
 * immer and d3 pieces for three lines). Colours come from the theme palette. Pointer hover or the
 * keyboard (focus it, then ←/→, Home/End, PageUp/PageDown, Esc) picks a bucket: a marker shows on the
 * chart and its values are read out below it (a polite live region).
 */
export function LineChart(props: {
  title: string;
  labels: string[];
  series: Series[];
  format?: (n: number) => string;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const theme = useTheme();
  const [id] = useState(() => `usage-chart-${++chartCount}`);
  const [active, setActive] = useState<number>();
  const count = props.labels.length;
  const ticks = axisTicks(Math.max(0, ...props.series.flatMap(s => s.values)));
  const max = ticks[ticks.length - 1];
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const color = (key: Series['color']) => theme.palette[key].main;
  const first = props.labels[0];
  const last = props.labels[count - 1];
  const step = count > 1 ? PLOT_W / (count - 1) : 0;
  const shown = active !== undefined && active < count ? active : undefined;
  const format = props.format ?? ((n: number) => n.toLocaleString());

  const onMouseMove = (event: MouseEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    if (rect.width <= 0) return;
    setActive(bucketAt((event.clientX - rect.left) / rect.width, count));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = bucketAfterKey(event.key, shown, count);
    if (next === 'unhandled') return;
    event.preventDefault();
    setActive(next);
  };

  return (
    <figure style={{ margin: 0 }}>
      {/* A focusable group, not a slider: the chart inside stays an image with its totals for screen
          readers (a slider's children are presentational); the readout below is announced politely. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- the arrow keys read the chart's values */}
      <div
        role="group"
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- focusable so the keyboard reaches the values
        tabIndex={0}
        aria-label={t('usage.useTheArrowKeysTo', { title: props.title })}
        aria-describedby={`${id}-readout`}
        onKeyDown={onKeyDown}
        onFocus={() => setActive(a => a ?? (count > 0 ? count - 1 : undefined))}
        onBlur={() => setActive(undefined)}
        style={{ outlineOffset: 2 }}
      >
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          width="100%"
          role="img"
          aria-label={`${props.title}: ${props.series
            .map(s => `${s.name} total ${s.values.reduce((a, b) => a + b, 0)}`)
            .join(', ')}`}
          onMouseMove={onMouseMove}
          onMouseLeave={() => setActive(undefined)}
        >
          {ticks.map(tick => {
            const y = PAD.top + plotH - (tick / max) * plotH;
            return (
              <g key={tick}>
                <line
                  x1={PAD.left}
                  x2={WIDTH - PAD.right}
                  y1={y}
                  y2={y}
                  stroke={theme.palette.divider}
                />
                <text
                  x={PAD.left - 6}
                  y={y + 4}
                  textAnchor="end"
                  fontSize={11}
                  fill={theme.palette.text.secondary}
                >
                  {tick.toLocaleString()}
                </text>
              </g>
            );
          })}
          {props.series.map(s => (
            <polyline
              key={s.name}
              fill="none"
              stroke={color(s.color)}
              strokeWidth={2}
              strokeDasharray={s.dash}
              points={linePoints(s.values, max)}
            />
          ))}
          {shown !== undefined && (
            <g data-testid="chart-marker">
              <line
                x1={PAD.left + shown * step}
                x2={PAD.left + shown * step}
                y1={PAD.top}
                y2={PAD.top + plotH}
                stroke={theme.palette.text.secondary}
                strokeDasharray="3 3"
              />
              {props.series.map(s => (
                <circle
                  key={s.name}
                  cx={PAD.left + shown * step}
                  cy={
                    PAD.top +
                    plotH -
                    (max > 0 ? ((s.values[shown] ?? 0) / max) * plotH : 0)
                  }
                  r={3.5}
                  fill={color(s.color)}
                />
              ))}
            </g>
          )}
          {first && (
            <text
              x={PAD.left}
              y={HEIGHT - 6}
              fontSize={11}
              fill={theme.palette.text.secondary}
            >
              {first}
            </text>
          )}
          {last && last !== first && (
            <text
              x={WIDTH - PAD.right}
              y={HEIGHT - 6}
              fontSize={11}
              textAnchor="end"
              fill={theme.palette.text.secondary}
            >
              {last}
            </text>
          )}
        </svg>
      </div>
      <figcaption
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          columnGap: 16,
          fontSize: 12,
          color: theme.palette.text.secondary,
        }}
      >
        {props.series.map(s => (
          <span key={s.name}>
            <span
              aria-hidden
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                marginRight: 4,
                background: color(s.color),
              }}
            />
            {s.name}
          </span>
        ))}
      </figcaption>
      <div
        id={`${id}-readout`}
        role="status"
        aria-live="polite"
        style={{
          fontSize: 12,
          minHeight: '1.5em',
          color: theme.palette.text.primary,
        }}
      >
        {shown !== undefined
          ? readout(props.labels, props.series, shown, format)
          : ''}
      </div>
    </figure>
  );
}

/** A tiny trend line for tables. */
export function Sparkline(props: { values: number[]; label: string }) {
  const theme = useTheme();
  if (props.values.length === 0) return <span>—</span>;
  // the largest value fills the height (costs per day are often below 1)
  const max = Math.max(...props.values) || 1;
  const w = 100;
  const h = 24;
  const step = props.values.length > 1 ? w / (props.values.length - 1) : 0;
  const points = props.values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg width={w} height={h} role="img" aria-label={props.label}>
      <polyline
        fill="none"
        stroke={theme.palette.primary.main}
        strokeWidth={1.5}
        points={points}
      />
    </svg>
  );
}
