import { PNG } from 'pngjs';

/** Decodes a screenshot and measures it: how many distinct colours and how much the brightness varies. */
export function measurePng(bytes: Buffer) {
  const png = PNG.sync.read(bytes);
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  const n = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    colours.add((r << 16) | (g << 8) | b);
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / n;
  return { width: png.width, height: png.height, colours: colours.size, mean, stdDev: Math.sqrt(sumSq / n - mean * mean) };
}
