// Clicks over time as a canvas chart (uPlot): counted clicks per bucket, the bucket sized to the span
// of the data (5 minutes within two hours, hours within three days, days within three months, else
// weeks), the axis spanning exactly the buckets, and a hover readout naming the bucket and its count.
import { Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The bucket for a span of clicks: fine enough to show a shape, coarse enough to read. */
export function bucketFor(spanMs: number): { step: number; label: string } {
  if (spanMs <= 2 * HOUR) return { step: 5 * MINUTE, label: '5 minutes' };
  if (spanMs <= 3 * DAY) return { step: HOUR, label: 'hour' };
  if (spanMs <= 90 * DAY) return { step: DAY, label: 'day' };
  return { step: 7 * DAY, label: 'week' };
}

export interface ClickSeries {
  /** Bucket starts, in seconds (as uPlot wants), one bucket of padding on either side. */
  xs: number[];
  counts: number[];
  step: number;
  label: string;
}

/**
 * Bucket starts and counts; empty buckets kept so the line reads true. Buckets are aligned to the
 * local day (a day bucket is a calendar day where the marketer is); `offsetMs` is that zone's offset.
 */
export function clickSeries(
  times: readonly number[],
  offsetMs = -new Date().getTimezoneOffset() * MINUTE,
): ClickSeries {
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return { xs: [], counts: [], step: HOUR, label: 'hour' };
  const { step, label } = bucketFor(last - first);
  const align = (t: number) => Math.floor((t + offsetMs) / step) * step - offsetMs;
  // A bucket of zeros before and after: a single busy bucket still draws as a step, not a dot.
  const start = align(first) - step;
  const buckets = Math.floor((align(last) - start) / step) + 2;
  const xs = Array.from({ length: buckets }, (_, i) => (start + i * step) / 1000);
  const counts = new Array<number>(buckets).fill(0);
  for (const t of sorted) {
    const i = Math.floor((align(t) - start) / step);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { xs, counts, step, label };
}

const formatBucket = (seconds: number, step: number): string => {
  const date = new Date(seconds * 1000);
  return step >= DAY
    ? date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
    : date.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
};

export function ClicksChart(props: { times: readonly number[] }) {
  const { ref: box, width } = useElementSize();
  const target = useRef<HTMLDivElement>(null);
  const series = clickSeries(props.times);
  useEffect(() => {
    const el = target.current;
    if (!el || width === 0 || props.times.length === 0) return;
    const { xs, counts, step } = clickSeries(props.times);
    const [min, max] = [xs[0] ?? 0, (xs[xs.length - 1] ?? 0) + step / 1000];
    const plot = new uPlot(
      {
        width,
        height: 180,
        // The axis spans the buckets, never uPlot's guess around a single point.
        scales: {
          x: { time: true, range: () => [min, max] },
          y: { range: (_u, _lo, hi) => [0, Math.max(1, hi)] },
        },
        series: [
          { label: 'From', value: (_u, v) => (v == null ? '—' : formatBucket(v, step)) },
          {
            label: 'Clicks',
            stroke: '#1c7ed6',
            fill: 'rgba(34,139,230,0.15)',
            paths: uPlot.paths.stepped?.({ align: 1 }),
            value: (_u, v) => (v == null ? '—' : `${v}`),
          },
        ],
        axes: [{}, { label: 'Clicks', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }],
      },
      [xs, counts],
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
        <>
          <div
            ref={target}
            role="img"
            aria-label={`Clicks over time, per ${series.label}: ${props.times.length} clicks from ${formatBucket(
              series.xs[1] ?? 0,
              series.step,
            )}`}
          />
          <Text size="xs" c="dimmed">
            Clicks per {series.label}. Hover the chart to read a bucket.
          </Text>
        </>
      )}
    </div>
  );
}
