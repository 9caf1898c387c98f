// A small per-day chart for headline figures: uPlot (the campaign report's chart library), no axes,
// a stepped line over the days so one busy day reads as that day, not as a slope towards it.
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function Sparkline(props: { label: string; days: readonly number[]; values: readonly number[] }) {
  const { ref: box, width } = useElementSize();
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = target.current;
    if (!el || width === 0) return;
    const plot = new uPlot(
      {
        width,
        height: 44,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          {
            stroke: '#1c7ed6',
            fill: 'rgba(28,126,214,0.12)',
            width: 1.5,
            paths: uPlot.paths.stepped?.({ align: 1 }),
            points: { show: false },
          },
        ],
      },
      [props.days.map((d) => d / 1000), [...props.values]],
      el,
    );
    return () => plot.destroy();
  }, [props.days, props.values, width]);
  const total = props.values.reduce((a, b) => a + b, 0);
  return (
    <div ref={box}>
      <div
        ref={target}
        role="img"
        aria-label={`${props.label} per day: ${total} over the last ${props.days.length} days`}
      />
    </div>
  );
}
