// A QR code of a link, drawn as an SVG image named after the link it opens (for screen readers,
// and for anyone who would rather type it).
import { useMemo } from 'react';
import { qrPath } from './qr';

export function QrCode(props: { text: string; label: string; px?: number }) {
  const qr = useMemo(() => qrPath(props.text), [props.text]);
  const px = props.px ?? 176;
  return (
    <svg
      role="img"
      aria-label={props.label}
      width={px}
      height={px}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shapeRendering="crispEdges"
      data-qr-version={qr.version}
    >
      <title>{props.label}</title>
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.d} fill="#000" />
    </svg>
  );
}
