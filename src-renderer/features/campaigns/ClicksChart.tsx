// Clicks over time as a canvas chart (uPlot): counted clicks per hour, or per day past three days.
import { Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Bucket starts (seconds, as uPlot wants) and counts; empty buckets kept so the line reads true. */
export function clickSeries(times: readonly number[]): [number[], number[]] {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return [[], []];
  const step = last - first > 3 * DAY ? DAY : HOUR;
  const start = Math.floor(first / step) * step;
  const buckets = Math.floor((last - start) / step) + 1;
  const xs = Array.from({ length: buckets }, (_, i) => (start + i * step) / 1000);
  const ys = new Array<number>(buckets).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / step);
    ys[i] = (ys[i] ?? 0) + 1;
  }
  return [xs, ys];
}

export function ClicksChart(props: { times: readonly number[] }) {
  const { ref: box, width } = useElementSize();
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = target.current;
    if (!el || width === 0 || props.times.length === 0) return;
    const plot = new uPlot(
      {
        width,
        height: 180,
        scales: { x: { time: true } },
        series: [
          {},
          {
            label: 'Clicks',
            stroke: '#228be6',
            fill: 'rgba(34,139,230,0.15)',
            paths: uPlot.paths.stepped?.({ align: 1 }),
          },
        ],
        axes: [{}, { label: 'Clicks' }],
      },
      clickSeries(props.times),
      el,
    );
    return () => plot.destroy();
  }, [props.times, width]);
  return (
    <div ref={box}>
      {props.times.length === 0 ? (
        <Text size="sm" c="dimmed">
          No clicks yet. They appear here as recipients tap their links.
        </Text>
      ) : (
        <div ref={target} role="img" aria-label="Clicks over time" />
      )}
    </div>
  );
}
