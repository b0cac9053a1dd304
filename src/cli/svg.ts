/**
 * Small SVG writer for CLI plots: scales data coordinates into a square viewport.
 */
export interface Viewport {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  size: number;
}

export function viewportFor(data: ArrayLike<number>, d: number, size = 800, margin = 0.05): Viewport {
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (let j = 0; j + 1 < data.length; j += d) {
    const x = data[j], y = data[j + 1];
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  if (!(xmax > xmin)) (xmin -= 1), (xmax += 1);
  if (!(ymax > ymin)) (ymin -= 1), (ymax += 1);
  const span = Math.max(xmax - xmin, ymax - ymin) * (1 + 2 * margin);
  const cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
  return { xmin: cx - span / 2, xmax: cx + span / 2, ymin: cy - span / 2, ymax: cy + span / 2, size };
}

export function sx(v: Viewport, x: number): number {
  return ((x - v.xmin) / (v.xmax - v.xmin)) * v.size;
}

export function sy(v: Viewport, y: number): number {
  return v.size - ((y - v.ymin) / (v.ymax - v.ymin)) * v.size;
}

/** A square SVG document: white background, optional title, and the body — clipped to the
 *  viewport when `clip` is set (trajectories that leave the window are cut at its edge). */
export function svgDocument(v: Viewport, body: string[], title?: string, options: { clip?: boolean } = {}): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${v.size} ${v.size}" width="${v.size}" height="${v.size}">`,
    options.clip ? `<defs><clipPath id="c"><rect width="${v.size}" height="${v.size}"/></clipPath></defs>` : '',
    `<rect width="100%" height="100%" fill="white"/>`,
    title ? `<text x="10" y="20" font-family="sans-serif" font-size="14">${escapeXml(title)}</text>` : '',
    options.clip ? `<g clip-path="url(#c)">` : '',
    ...body,
    options.clip ? '</g>' : '',
    '</svg>',
  ].filter((line) => line !== '').join('\n');
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** Line from (x1,y1) to (x2,y2) clipped to the viewport: the hyperplane ⟨a, x⟩ + b = 0 in 2-D. */
export function hyperplaneLine(v: Viewport, a0: number, a1: number, b: number, style: string): string | null {
  const pts: [number, number][] = [];
  if (Math.abs(a1) > 1e-300) {
    for (const x of [v.xmin, v.xmax]) pts.push([x, -(a0 * x + b) / a1]);
  }
  if (Math.abs(a0) > 1e-300) {
    for (const y of [v.ymin, v.ymax]) pts.push([-(a1 * y + b) / a0, y]);
  }
  const inside = pts.filter(([x, y]) => x >= v.xmin - 1e-9 && x <= v.xmax + 1e-9 && y >= v.ymin - 1e-9 && y <= v.ymax + 1e-9);
  if (inside.length < 2) return null;
  const [p, q] = [inside[0], inside[inside.length - 1]];
  return `<line x1="${sx(v, p[0]).toFixed(1)}" y1="${sy(v, p[1]).toFixed(1)}" x2="${sx(v, q[0]).toFixed(1)}" y2="${sy(v, q[1]).toFixed(1)}" ${style}/>`;
}
