import { useTheme } from '@material-ui/core/styles';

export interface Series {
  name: string;
  values: number[];
  /** A theme palette key, so the chart follows the light/dark theme. */
  color: 'primary' | 'secondary' | 'error' | 'warning' | 'info' | 'success';
}

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { top: 10, right: 10, bottom: 24, left: 44 };

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
 * A small inline-SVG line chart: no chart library in the bundle (recharts 3 would add redux,
 * immer and d3 pieces for three lines). Colours come from the theme palette.
 */
export function LineChart(props: {
  title: string;
  labels: string[];
  series: Series[];
}) {
  const theme = useTheme();
  const ticks = axisTicks(Math.max(0, ...props.series.flatMap(s => s.values)));
  const max = ticks[ticks.length - 1];
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const color = (key: Series['color']) => theme.palette[key].main;
  const first = props.labels[0];
  const last = props.labels[props.labels.length - 1];
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`${props.title}: ${props.series
          .map(s => `${s.name} total ${s.values.reduce((a, b) => a + b, 0)}`)
          .join(', ')}`}
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
            points={linePoints(s.values, max)}
          />
        ))}
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
      <figcaption
        style={{
          display: 'flex',
          gap: 16,
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
    </figure>
  );
}

/** A tiny trend line for tables. */
export function Sparkline(props: { values: number[]; label: string }) {
  const theme = useTheme();
  if (props.values.length === 0) return <span>—</span>;
  const max = Math.max(1, ...props.values);
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
