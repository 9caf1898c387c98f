// Events per day over the last 30 days, drawn by uPlot on a canvas (cheap however busy the contact).
import { Box, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const HEIGHT = 120;

export function ActivityChart(props: { days: number[]; counts: number[] }) {
  const { ref: sizeRef, width } = useElementSize();
  const target = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const total = props.counts.reduce((a, b) => a + b, 0);

  useEffect(() => {
    const element = target.current;
    if (!element || width <= 0) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 24] });
    const chart = new uPlot(
      {
        width,
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: true, points: { show: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [
          { size: 24, font: '10px sans-serif', grid: { show: false } },
          { size: 28, font: '10px sans-serif', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        ],
        series: [
          {},
          {
            label: 'Events',
            points: { show: false },
            fill: 'rgba(34, 139, 230, 0.5)',
            stroke: '#228be6',
            ...(bars ? { paths: bars } : {}),
          },
        ],
      },
      [props.days.map((d) => d / 1000), props.counts],
      element,
    );
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, [width, props.days, props.counts]);

  return (
    <Box ref={sizeRef}>
      <Text size="xs" c="dimmed" mb={4}>
        Activity, last 30 days: {total} {total === 1 ? 'event' : 'events'}
      </Text>
      <div
        ref={target}
        role="img"
        aria-label={`Events per day over the last 30 days, ${total} in total`}
        style={{ height: HEIGHT }}
      />
    </Box>
  );
}
