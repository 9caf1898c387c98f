// The demo link's QR code holds the link: its rendered path is read back module by module (unmasked,
// in the standard's zigzag order) and the byte-mode payload decodes to the link, for links short
// enough to fit one error-correction block (versions 1–3 at level M, up to 42 bytes).
import { encode, QrCodeDataType } from 'uqr';
import { describe, expect, it } from 'vitest';
import { qrPath } from '../../../src-renderer/ui/qr';

const BORDER = 4;

/** The dark modules the path draws, as a grid. */
function gridOf(d: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    const row = grid[Number(m[2])];
    if (row) row[Number(m[1])] = true;
  }
  return grid;
}

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** Reads the data bits in placement order and decodes one byte-mode segment. */
function decode(grid: boolean[][], types: QrCodeDataType[][], mask: number): string {
  const n = grid.length - 2 * BORDER;
  const at = (r: number, c: number) => ({
    dark: grid[r + BORDER]?.[c + BORDER] ?? false,
    type: types[r + BORDER]?.[c + BORDER],
  });
  const bits: number[] = [];
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing pattern's column is skipped
    for (let i = 0; i < n; i++) {
      const r = upward ? n - 1 - i : i;
      for (const c of [right, right - 1]) {
        const module = at(r, c);
        if (module.type !== QrCodeDataType.Data) continue;
        bits.push(Number(module.dark !== (MASKS[mask]?.(r, c) ?? false)));
      }
    }
    upward = !upward;
  }
  const read = (from: number, count: number) =>
    bits.slice(from, from + count).reduce((value, bit) => value * 2 + bit, 0);
  expect(read(0, 4)).toBe(0b0100); // byte mode
  const length = read(4, 8);
  const bytes = Array.from({ length }, (_, i) => read(12 + 8 * i, 8));
  return new TextDecoder().decode(new Uint8Array(bytes));
}

describe('qrPath', () => {
  it.each([
    ['https://go.example.com/r/AbCdEfGh12345678', 3],
    ['https://t.co/r/x', 2],
    ['https://a.io', 1],
  ])('%s reads back from the drawn modules (version %i)', (link, version) => {
    const qr = qrPath(link);
    expect(qr.version).toBe(version);
    expect(qr.size).toBe(17 + 4 * version + 2 * BORDER);
    // The layout (which modules hold data) and the mask the encoder chose, to read the data back.
    const layout = encode(link, { ecc: 'M', border: BORDER });
    expect(decode(gridOf(qr.d, qr.size), layout.types, layout.maskPattern)).toBe(link);
  });

  it('a longer link takes a larger code, and another link other modules', () => {
    const short = qrPath('https://go.example.com/r/AbCdEfGh12345678');
    const long = qrPath(`https://links.harbor-coffee.example/r/AbCdEfGh12345678?utm=${'x'.repeat(40)}`);
    expect(long.version).toBeGreaterThan(short.version);
    expect(qrPath('https://go.example.com/r/AbCdEfGh12345679').d).not.toBe(short.d);
  });
});
