// A QR code as one SVG path: uqr encodes the text, each dark module becomes a 1×1 square of the
// path, so the code scales to any size without blurring and stays a single element to label.
import { encode } from 'uqr';

export interface QrPath {
  /** Modules per side, the quiet border included. */
  size: number;
  /** QR version (1–40): grows with the text's length. */
  version: number;
  /** SVG path data in module units, one `M x y h1v1h-1z` square per dark module. */
  d: string;
}

/** Medium error correction: a phone still reads it from a screen with glare or a smudge. */
export function qrPath(text: string): QrPath {
  // A four-module quiet zone, as the QR standard asks, so scanners find its edges on any background.
  const qr = encode(text, { ecc: 'M', border: 4 });
  const squares: string[] = [];
  qr.data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) squares.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return { size: qr.size, version: qr.version, d: squares.join('') };
}
