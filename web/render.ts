/**
 * Canvas renderer of the playground. Points are written straight into an ImageData through a
 * Uint32Array view (one store per pixel, no path call per point), so 10^5 points animate at the
 * display rate. Per layer, a background (half-spaces {a_i·x + b_i > 0} of the active neurons
 * shaded, a sample of trajectories, the targets) is composed once and cached; each frame
 * copies it, plots the points (linearly interpolated between recorded frames), puts the image
 * and strokes the p hyperplanes {a_i·x + b_i = 0} of the acting layer with their w_i arrows.
 */
import type { LayerInfo } from './protocol.js';

export interface Scene {
  n: number;
  frames: number;
  /** frames × n × 2 */
  positions: Float32Array;
  times: Float64Array;
  frameLayer: Int32Array | null;
  layers: LayerInfo[] | null;
  width: number;
  labels: Int32Array | null;
  targets: Float64Array | null;
  leaders: Uint8Array | null;
  /** Classification readout: the line x[axis] = offset, drawn dashed. */
  readout?: { axis: number; offset: number };
  timeLabel?: 't' | 'step';
}

/** Label colours (0xAABBGGRR little-endian = RGBA bytes), colour-blind-friendly (Okabe–Ito). */
const PALETTE_CSS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#f0e442', '#000000'];
const NEURON_CSS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];
const UNLABELED = '#1f3a93';
const TARGET = '#c0392b';
const LEADER = '#ff8c00';
const BG = '#ffffff';

function rgb(css: string): [number, number, number] {
  const v = parseInt(css.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
const pack = ([r, g, b]: [number, number, number]) => ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;

export interface View {
  xmin: number;
  ymax: number;
  /** Pixels per unit along x and along y (equal unless the content is very elongated). */
  sx: number;
  sy: number;
  size: number;
}

export class Renderer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly size: number;
  private readonly image: ImageData;
  private readonly pixels: Uint32Array;
  private scene: Scene | null = null;
  private view: View;
  private bgCache = new Map<number, Uint32Array>();
  /** Continuous frame position in [0, frames − 1]. */
  private u = 0;
  private playing = false;
  private lastTs = 0;
  private hold = 0;
  /** Seconds for one pass through all frames. */
  duration = 6;
  loop = true;
  onFrame: ((u: number, scene: Scene) => void) | null = null;
  private stamps: number[] = [];
  private drawMs: number[] = [];

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('this browser has no 2-D canvas');
    this.ctx = ctx;
    this.size = canvas.width;
    this.image = ctx.createImageData(this.size, this.size);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.view = { xmin: -1.5, ymax: 1.5, sx: this.size / 3, sy: this.size / 3, size: this.size };
    this.clear();
  }

  /** Shows static data (before a run): one frame, no layers. */
  showData(points: Float64Array, targets: Float64Array | null, labels: Int32Array | null): void {
    const n = points.length / 2;
    this.setScene({ n, frames: 1, positions: Float32Array.from(points), times: new Float64Array(1), frameLayer: null, layers: null, width: 0, labels, targets, leaders: null });
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.bgCache.clear();
    this.layerViews.clear();
    if (!this.keepView) this.wholeView = fitView(scene, this.size);
    this.view = this.wholeView;
    this.u = 0;
    this.hold = 0;
    this.draw();
  }

  /** World coordinates of a pixel of the canvas backing store. */
  toWorld(px: number, py: number): [number, number] {
    return [this.view.xmin + px / this.view.sx, this.view.ymax - py / this.view.sy];
  }

  /** Keeps the current view when data changes by clicks (points do not jump under the mouse). */
  keepView = false;
  /**
   * 'follow': each layer gets the view that holds the points while it acts (constructions such as
   * transport stack cells far apart, then bring them back); 'whole': one view for the whole run.
   */
  private camera: 'follow' | 'whole' = 'follow';
  private layerViews = new Map<number, View>();
  private wholeView: View = this.view0();

  private view0(): View {
    return { xmin: -1.5, ymax: 1.5, sx: 720 / 3, sy: 720 / 3, size: 720 };
  }

  private trails = true;

  /** Shows or hides the sample of trajectories behind the points. */
  setTrails(on: boolean): void {
    this.trails = on;
    this.bgCache.clear();
    this.draw();
  }

  setCamera(mode: 'follow' | 'whole'): void {
    this.camera = mode;
    this.bgCache.clear();
    this.draw();
  }

  private viewFor(layer: number): View {
    const sc = this.scene!;
    if (this.camera === 'whole' || layer < 0 || !sc.frameLayer) return this.wholeView;
    let v = this.layerViews.get(layer);
    if (!v) {
      let first = -1, last = -1;
      for (let f = 0; f < sc.frames; f++) {
        if (sc.frameLayer[f] === layer) {
          if (first < 0) first = f;
          last = f;
        }
      }
      first = Math.max(0, first - 1);
      const lastLayer = sc.layers ? sc.layers.length - 1 : 0;
      v = fitView(sc, this.size, first, last + 1, layer === 0 || layer === lastLayer);
      this.layerViews.set(layer, v);
    }
    return v;
  }

  get frame(): number {
    return this.u;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  play(): void {
    if (!this.scene || this.scene.frames < 2 || this.playing) return;
    if (this.u >= this.scene.frames - 1) this.u = 0;
    this.playing = true;
    this.lastTs = 0;
    requestAnimationFrame(this.tick);
  }

  pause(): void {
    this.playing = false;
  }

  /** Jumps to a position in [0, 1] of the run. */
  seek(fraction: number): void {
    if (!this.scene) return;
    this.u = Math.min(1, Math.max(0, fraction)) * (this.scene.frames - 1);
    this.draw();
  }

  private tick = (ts: number): void => {
    if (!this.playing || !this.scene) return;
    this.stamps.push(ts);
    if (this.stamps.length > 600) this.stamps.splice(0, this.stamps.length - 600);
    const dt = this.lastTs ? Math.min(0.1, (ts - this.lastTs) / 1000) : 0;
    this.lastTs = ts;
    const last = this.scene.frames - 1;
    if (this.u >= last) {
      this.hold += dt;
      if (!this.loop) {
        this.playing = false;
        return;
      }
      if (this.hold > 0.8) {
        this.u = 0;
        this.hold = 0;
      }
    } else {
      this.u = Math.min(last, this.u + (dt * last) / this.duration);
    }
    this.draw();
    requestAnimationFrame(this.tick);
  };

  /** Frame rate over the last `seconds` of playback (requestAnimationFrame timestamps) and draw cost. */
  fpsStats(seconds = 2): { fps: number; frames: number; meanDrawMs: number; maxDrawMs: number } {
    const s = this.stamps;
    if (s.length < 2) return { fps: 0, frames: s.length, meanDrawMs: 0, maxDrawMs: 0 };
    const end = s[s.length - 1];
    let i = s.length - 1;
    while (i > 0 && end - s[i - 1] <= seconds * 1000) i--;
    const count = s.length - 1 - i;
    const fps = count > 0 ? (count * 1000) / (end - s[i]) : 0;
    const recent = this.drawMs.slice(-Math.max(1, count));
    return { fps, frames: count, meanDrawMs: recent.reduce((a, b) => a + b, 0) / recent.length, maxDrawMs: Math.max(...recent) };
  }

  resetStats(): void {
    this.stamps = [];
    this.drawMs = [];
  }

  clear(): void {
    this.pixels.fill(pack(rgb(BG)));
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** Draws the scene at the current frame position. */
  draw(): void {
    const t0 = performance.now();
    const sc = this.scene;
    if (!sc) return this.clear();
    const f0 = Math.min(sc.frames - 1, Math.floor(this.u));
    const f1 = Math.min(sc.frames - 1, f0 + 1);
    const a = this.u - f0;
    const layer = sc.frameLayer ? sc.frameLayer[f0] : -1;
    this.view = this.viewFor(layer);
    this.pixels.set(this.background(layer));
    this.plotPoints(sc, f0, f1, a);
    this.ctx.putImageData(this.image, 0, 0);
    if (layer >= 0 && sc.layers) this.strokeHyperplanes(sc.layers[layer], sc.width);
    if (sc.readout) this.strokeReadout(sc.readout);
    this.caption(sc, f0, f1, a, layer);
    this.drawMs.push(performance.now() - t0);
    if (this.drawMs.length > 600) this.drawMs.splice(0, this.drawMs.length - 600);
    this.onFrame?.(this.u, sc);
  }

  private plotPoints(sc: Scene, f0: number, f1: number, a: number): void {
    const { n, positions, labels, leaders } = sc;
    const { xmin, ymax, sx, sy, size } = this.view;
    const px = this.pixels;
    const colors = PALETTE_CSS.map((c) => pack(rgb(c)));
    const plain = pack(rgb(UNLABELED));
    const lead = pack(rgb(LEADER));
    const r = n > 20000 ? 0 : n > 2000 ? 1 : 2;
    const o0 = f0 * n * 2, o1 = f1 * n * 2, b = 1 - a;
    for (let i = 0; i < n; i++) {
      const x = b * positions[o0 + 2 * i] + a * positions[o1 + 2 * i];
      const y = b * positions[o0 + 2 * i + 1] + a * positions[o1 + 2 * i + 1];
      const cx = ((x - xmin) * sx) | 0, cy = ((ymax - y) * sy) | 0;
      const isLeader = leaders !== null && leaders[f0 * n + i] === 1;
      const c = isLeader ? lead : labels ? colors[labels[i] & 7] : plain;
      const rr = isLeader ? r + 2 : r;
      if (rr === 0) {
        if (cx >= 0 && cx < size && cy >= 0 && cy < size) px[cy * size + cx] = c;
        continue;
      }
      for (let dy = -rr; dy <= rr; dy++) {
        const yy = cy + dy;
        if (yy < 0 || yy >= size) continue;
        for (let dx = -rr; dx <= rr; dx++) {
          const xx = cx + dx;
          if (xx >= 0 && xx < size && dx * dx + dy * dy <= rr * rr + 1) px[yy * size + xx] = c;
        }
      }
    }
  }

  /** Background of a layer: shaded half-spaces, trajectory sample, targets. Cached per layer. */
  private background(layer: number): Uint32Array {
    const hit = this.bgCache.get(layer);
    if (hit) return hit;
    const sc = this.scene!;
    const { size } = this.view;
    const out = new Uint32Array(size * size);
    const [br, bgc, bb] = rgb(BG);
    if (layer >= 0 && sc.layers && sc.width <= 32) {
      shadeHalfSpaces(out, sc.layers[layer], sc.width, this.view, [br, bgc, bb]);
    } else {
      out.fill(pack([br, bgc, bb]));
    }
    // Trails and targets go through a scratch canvas (antialiased lines), then back to pixels.
    const scratch = new ImageData(new Uint8ClampedArray(out.buffer), size, size);
    const off = document.createElement('canvas');
    off.width = off.height = size;
    const c = off.getContext('2d')!;
    c.putImageData(scratch, 0, 0);
    this.strokeTrails(c, sc);
    this.drawTargets(c, sc);
    const img = c.getImageData(0, 0, size, size);
    const result = new Uint32Array(img.data.buffer);
    if (this.bgCache.size > 24) this.bgCache.clear();
    this.bgCache.set(layer, result);
    return result;
  }

  private strokeTrails(c: CanvasRenderingContext2D, sc: Scene): void {
    if (sc.frames < 2 || !this.trails) return;
    const { xmin, ymax, sx, sy } = this.view;
    const count = Math.min(sc.n, 160);
    const stride = sc.n / count;
    c.lineWidth = 1;
    c.globalAlpha = sc.frames > 100 ? 0.18 : 0.35;
    for (let s = 0; s < count; s++) {
      const i = Math.floor(s * stride);
      c.strokeStyle = sc.labels ? PALETTE_CSS[sc.labels[i] & 7] : '#7f8c8d';
      c.beginPath();
      for (let f = 0; f < sc.frames; f++) {
        const o = (f * sc.n + i) * 2;
        const x = (sc.positions[o] - xmin) * sx, y = (ymax - sc.positions[o + 1]) * sy;
        if (f === 0) c.moveTo(x, y);
        else c.lineTo(x, y);
      }
      c.stroke();
    }
    c.globalAlpha = 1;
  }

  private drawTargets(c: CanvasRenderingContext2D, sc: Scene): void {
    if (!sc.targets) return;
    const { xmin, ymax, sx, sy } = this.view;
    const m = sc.targets.length / 2;
    c.fillStyle = TARGET;
    c.strokeStyle = TARGET;
    const big = m <= 2000;
    c.lineWidth = 1.5;
    for (let i = 0; i < m; i++) {
      const x = (sc.targets[2 * i] - xmin) * sx, y = (ymax - sc.targets[2 * i + 1]) * sy;
      if (big) {
        c.beginPath();
        c.arc(x, y, 4.5, 0, 2 * Math.PI);
        c.stroke();
      } else c.fillRect(x - 0.5, y - 0.5, 1, 1);
    }
  }

  private strokeHyperplanes(L: LayerInfo, p: number): void {
    const c = this.ctx;
    const { size } = this.view;
    c.lineWidth = 2;
    for (let i = 0; i < p; i++) {
      const seg = hyperplaneSegment(L.A[2 * i], L.A[2 * i + 1], L.b[i], this.view);
      if (!seg) continue;
      const color = NEURON_CSS[i % NEURON_CSS.length];
      c.strokeStyle = color;
      c.beginPath();
      c.moveTo(seg[0], seg[1]);
      c.lineTo(seg[2], seg[3]);
      c.stroke();
      // w_i: the direction in which this neuron pushes the points of its active half-space.
      const wx = L.W[i] * this.view.sx, wy = L.W[p + i] * this.view.sy;
      const norm = Math.hypot(wx, wy);
      if (norm > 0) {
        const mx = (seg[0] + seg[2]) / 2, my = (seg[1] + seg[3]) / 2;
        const len = Math.min(60, 20 + (12 * Math.hypot(L.W[i], L.W[p + i])));
        const ux = (wx / norm) * len, uy = (-wy / norm) * len;
        c.fillStyle = color;
        c.beginPath();
        c.moveTo(mx, my);
        c.lineTo(mx + ux, my + uy);
        c.stroke();
        const ang = Math.atan2(uy, ux);
        c.beginPath();
        c.moveTo(mx + ux, my + uy);
        c.lineTo(mx + ux - 9 * Math.cos(ang - 0.4), my + uy - 9 * Math.sin(ang - 0.4));
        c.lineTo(mx + ux - 9 * Math.cos(ang + 0.4), my + uy - 9 * Math.sin(ang + 0.4));
        c.closePath();
        c.fill();
      }
    }
    void size;
  }

  private strokeReadout(r: { axis: number; offset: number }): void {
    // x[axis] = offset is the hyperplane a·x + b = 0 with a = e_axis, b = −offset.
    const seg = hyperplaneSegment(r.axis === 0 ? 1 : 0, r.axis === 1 ? 1 : 0, -r.offset, this.view);
    if (!seg) return;
    const c = this.ctx;
    c.save();
    c.setLineDash([8, 6]);
    c.lineWidth = 1.5;
    c.strokeStyle = '#222';
    c.beginPath();
    c.moveTo(seg[0], seg[1]);
    c.lineTo(seg[2], seg[3]);
    c.stroke();
    c.setLineDash([]);
    c.fillStyle = '#222';
    c.font = '12px system-ui, sans-serif';
    c.fillText(`readout: class 1 where x${r.axis === 0 ? '₁' : '₂'} > ${r.offset.toPrecision(3)}`, Math.min(seg[0], seg[2]) + 6, Math.min(seg[1], seg[3]) + 14);
    c.restore();
  }

  private caption(sc: Scene, f0: number, f1: number, a: number, layer: number): void {
    if (sc.frames < 2) return;
    const t = (1 - a) * sc.times[f0] + a * sc.times[f1];
    const c = this.ctx;
    c.font = '14px system-ui, sans-serif';
    c.fillStyle = '#222';
    const parts = [sc.timeLabel === 'step' ? `step ${Math.round(t)}` : `t = ${t.toFixed(3)}`];
    if (layer >= 0 && sc.layers) parts.push(`layer ${layer + 1} / ${sc.layers.length}`);
    const { sx, sy } = this.view;
    if (Math.abs(sx / sy - 1) > 1e-9) parts.push(`axes not to scale (x ×${(sx / sy).toPrecision(2)})`);
    c.fillText(parts.join('   '), 10, 20);
  }

  /** The current picture as SVG: shaded half-spaces, hyperplanes, trails, targets, every point. */
  toSVG(): string {
    const sc = this.scene;
    const size = this.view.size;
    const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}">`, `<rect width="100%" height="100%" fill="${BG}"/>`];
    if (!sc) return out.concat('</svg>').join('\n');
    const { xmin, ymax, sx, sy } = this.view;
    const f0 = Math.round(this.u);
    const layer = sc.frameLayer ? sc.frameLayer[f0] : -1;
    const X = (x: number) => ((x - xmin) * sx).toFixed(1), Y = (y: number) => ((ymax - y) * sy).toFixed(1);
    if (layer >= 0 && sc.layers) {
      const L = sc.layers[layer];
      for (let i = 0; i < sc.width; i++) {
        const poly = halfPlanePolygon(L.A[2 * i], L.A[2 * i + 1], L.b[i], this.view);
        if (poly.length >= 3) out.push(`<polygon points="${poly.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="${NEURON_CSS[i % 8]}" fill-opacity="0.1"/>`);
      }
    }
    if (sc.frames > 1) {
      const count = Math.min(sc.n, 160), stride = sc.n / count;
      for (let s = 0; s < count; s++) {
        const i = Math.floor(s * stride);
        let d = '';
        for (let f = 0; f < sc.frames; f++) {
          const o = (f * sc.n + i) * 2;
          d += `${f ? 'L' : 'M'}${X(sc.positions[o])} ${Y(sc.positions[o + 1])}`;
        }
        out.push(`<path d="${d}" fill="none" stroke="${sc.labels ? PALETTE_CSS[sc.labels[i] & 7] : '#7f8c8d'}" stroke-opacity="0.35"/>`);
      }
    }
    if (sc.targets) {
      let d = '';
      for (let i = 0; i < sc.targets.length / 2; i++) d += `M${X(sc.targets[2 * i])} ${Y(sc.targets[2 * i + 1])}h0`;
      out.push(`<path d="${d}" stroke="${TARGET}" stroke-width="6" stroke-linecap="round" fill="none" stroke-opacity="0.6"/>`);
    }
    // Points: one path per colour, each point a zero-length round-capped segment.
    const groups = new Map<string, string[]>();
    for (let i = 0; i < sc.n; i++) {
      const o = (f0 * sc.n + i) * 2;
      const color = sc.leaders && sc.leaders[f0 * sc.n + i] ? LEADER : sc.labels ? PALETTE_CSS[sc.labels[i] & 7] : UNLABELED;
      let g = groups.get(color);
      if (!g) groups.set(color, (g = []));
      g.push(`M${X(sc.positions[o])} ${Y(sc.positions[o + 1])}h0`);
    }
    const w = sc.n > 20000 ? 1.5 : sc.n > 2000 ? 3 : 5;
    for (const [color, g] of groups) out.push(`<path d="${g.join('')}" stroke="${color}" stroke-width="${w}" stroke-linecap="round" fill="none"/>`);
    if (layer >= 0 && sc.layers) {
      const L = sc.layers[layer];
      for (let i = 0; i < sc.width; i++) {
        const seg = hyperplaneSegment(L.A[2 * i], L.A[2 * i + 1], L.b[i], this.view);
        if (seg) out.push(`<line x1="${seg[0].toFixed(1)}" y1="${seg[1].toFixed(1)}" x2="${seg[2].toFixed(1)}" y2="${seg[3].toFixed(1)}" stroke="${NEURON_CSS[i % 8]}" stroke-width="2"/>`);
      }
    }
    out.push(`<text x="10" y="20" font-family="sans-serif" font-size="14">t = ${sc.times[f0].toFixed(3)}</text>`);
    out.push('</svg>');
    return out.join('\n');
  }
}

/**
 * A view holding the recorded frames [from, to) (default all) and the targets, with an 8 %
 * margin. Robust: the box spans the 1st to 99th percentile of each coordinate (over a sample
 * of at most ~40 000 positions), so that a few points sent far away by a construction do not
 * shrink everyone else to a dot; they leave the picture for a while instead.
 */
export function fitView(sc: Scene, size: number, from = 0, to = sc.frames, withTargets = true): View {
  const xs: number[] = [], ys: number[] = [];
  const take = (arr: ArrayLike<number>, lo: number, hi: number) => {
    const count = (hi - lo) / 2;
    const stride = Math.max(1, Math.floor(count / 40_000)) * 2;
    for (let j = lo; j + 1 < hi; j += stride) {
      const x = arr[j], y = arr[j + 1];
      if (Number.isFinite(x) && Number.isFinite(y)) xs.push(x), ys.push(y);
    }
  };
  take(sc.positions, from * sc.n * 2, to * sc.n * 2);
  if (sc.targets && withTargets) take(sc.targets, 0, sc.targets.length);
  if (xs.length === 0) xs.push(-1, 1), ys.push(-1, 1);
  const q = (a: number[], f: number) => a[Math.min(a.length - 1, Math.max(0, Math.round(f * (a.length - 1))))];
  xs.sort((a, b) => a - b);
  ys.sort((a, b) => a - b);
  const trim = xs.length > 200 ? 0.01 : 0;
  const xmin = q(xs, trim), xmax = q(xs, 1 - trim), ymin = q(ys, trim), ymax = q(ys, 1 - trim);
  const cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
  let wx = Math.max(xmax - xmin, 1e-9), wy = Math.max(ymax - ymin, 1e-9);
  // Square pixels unless one side is more than 4× the other (e.g. cells stacked in a column by
  // the transport construction): then each axis gets its own scale, and the caption says so.
  if (wx < 4 * wy && wy < 4 * wx) wx = wy = Math.max(wx, wy);
  wx *= 1.16;
  wy *= 1.16;
  return { xmin: cx - wx / 2, ymax: cy + wy / 2, sx: size / wx, sy: size / wy, size };
}

/** Shades {a·x + b > 0} of every neuron of the layer over `base` (10 % tint each). */
function shadeHalfSpaces(out: Uint32Array, L: LayerInfo, p: number, v: View, base: [number, number, number]): void {
  const { size, xmin, ymax, sx, sy } = v;
  const tints = NEURON_CSS.map(rgb);
  const k = 0.1;
  for (let py = 0; py < size; py++) {
    const y = ymax - (py + 0.5) / sy;
    for (let px = 0; px < size; px++) {
      const x = xmin + (px + 0.5) / sx;
      let r = base[0], g = base[1], b = base[2];
      for (let i = 0; i < p; i++) {
        if (L.A[2 * i] * x + L.A[2 * i + 1] * y + L.b[i] > 0) {
          const t = tints[i & 7];
          r += k * (t[0] - r);
          g += k * (t[1] - g);
          b += k * (t[2] - b);
        }
      }
      out[py * size + px] = pack([r | 0, g | 0, b | 0]);
    }
  }
}

/** Pixel end points of {a0 x + a1 y + b = 0} inside the view (where it crosses the square's edges), or null. */
export function hyperplaneSegment(a0: number, a1: number, b: number, v: View): [number, number, number, number] | null {
  const s = v.size;
  const corners: [number, number][] = [[0, 0], [s, 0], [s, s], [0, s]];
  const val = ([px, py]: [number, number]) => a0 * (v.xmin + px / v.sx) + a1 * (v.ymax - py / v.sy) + b;
  const hits: [number, number][] = [];
  for (let i = 0; i < 4; i++) {
    const P = corners[i], Q = corners[(i + 1) % 4];
    const vp = val(P), vq = val(Q);
    if ((vp >= 0) !== (vq >= 0)) {
      const t = vp / (vp - vq);
      hits.push([P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])]);
    }
  }
  return hits.length >= 2 ? [hits[0][0], hits[0][1], hits[1][0], hits[1][1]] : null;
}

/** {a·x + b ≥ 0} ∩ view square as a pixel polygon (Sutherland–Hodgman against one half-plane). */
export function halfPlanePolygon(a0: number, a1: number, b: number, v: View): [number, number][] {
  const s = v.size;
  const corners: [number, number][] = [[0, 0], [s, 0], [s, s], [0, s]];
  const val = ([px, py]: [number, number]) => a0 * (v.xmin + px / v.sx) + a1 * (v.ymax - py / v.sy) + b;
  const out: [number, number][] = [];
  for (let i = 0; i < 4; i++) {
    const P = corners[i], Q = corners[(i + 1) % 4];
    const vp = val(P), vq = val(Q);
    if (vp >= 0) out.push(P);
    if ((vp >= 0) !== (vq >= 0)) {
      const t = vp / (vp - vq);
      out.push([P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])]);
    }
  }
  return out;
}
