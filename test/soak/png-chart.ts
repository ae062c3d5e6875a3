// A dependency-free PNG of small line charts (one panel per series), for the soak report.
import { crc32, deflateSync } from 'node:zlib';

export interface Series {
  label: string;
  /** [x, y] points; x shared across panels (e.g. minutes). */
  points: ReadonlyArray<readonly [number, number]>;
}

const PANEL_W = 480;
const PANEL_H = 140;
const MARGIN = 12;
/** RGB: background, axes, line. */
const BG = [255, 255, 255];
const AXIS = [160, 160, 160];
const LINE = [30, 90, 200];

/**
 * One panel per series, stacked; each panel scales its own y from zero to its max (the table
 * carries the numbers; the chart shows the shape: flat, sawtooth or climbing). No text: the panel
 * order is the caller's legend.
 */
export function lineChartPng(series: readonly Series[]): Buffer {
  const width = PANEL_W + 2 * MARGIN;
  const height = series.length * (PANEL_H + MARGIN) + MARGIN;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(BG, i * 3);
  const plot = (x: number, y: number, rgb: number[]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    pixels.set(rgb, (Math.round(y) * width + Math.round(x)) * 3);
  };
  series.forEach((s, panel) => {
    const top = MARGIN + panel * (PANEL_H + MARGIN);
    for (let x = 0; x < PANEL_W; x++) plot(MARGIN + x, top + PANEL_H, AXIS);
    for (let y = 0; y <= PANEL_H; y++) plot(MARGIN, top + y, AXIS);
    if (s.points.length < 2) return;
    const xs = s.points.map((p) => p[0]);
    const ys = s.points.map((p) => p[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    // From zero (or the minimum, if negative): a flat count must look flat, not like a cliff.
    const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
    const px = (x: number) => MARGIN + ((x - x0) / (x1 - x0 || 1)) * (PANEL_W - 1);
    const py = (y: number) => top + PANEL_H - 1 - ((y - y0) / (y1 - y0 || 1)) * (PANEL_H - 2);
    for (let i = 1; i < s.points.length; i++) {
      const [ax, ay] = s.points[i - 1] ?? [0, 0];
      const [bx, by] = s.points[i] ?? [0, 0];
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(px(bx) - px(ax)), Math.abs(py(by) - py(ay)))));
      for (let t = 0; t <= steps; t++) {
        plot(px(ax) + ((px(bx) - px(ax)) * t) / steps, py(ay) + ((py(by) - py(ay)) * t) / steps, LINE);
      }
    }
  });
  return encodePng(width, height, pixels);
}

/** 8-bit RGB, no interlace, filter 0 on every row. */
function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    rgb.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}
