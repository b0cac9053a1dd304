/**
 * A terminal progress bar for long CLI work: silent for the first second, then a bar on
 * stderr (only when stderr is a terminal or FLOWSTEER_PROGRESS=1), cleared when done.
 */
export interface ProgressBar {
  update(fraction: number): void;
  done(): void;
}

export function progressBar(label: string): ProgressBar {
  const start = Date.now();
  const enabled = Boolean(process.stderr.isTTY) || process.env.FLOWSTEER_PROGRESS === '1';
  let shown = false;
  let lastDraw = 0;
  return {
    update(fraction: number): void {
      const now = Date.now();
      if (!enabled || now - start < 1000 || now - lastDraw < 100) return;
      lastDraw = now;
      shown = true;
      const width = 30;
      const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
      const elapsed = (now - start) / 1000;
      const eta = fraction > 0 ? (elapsed / fraction - elapsed).toFixed(1) : '?';
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(1)}s, ~${eta}s left `);
    },
    done(): void {
      if (shown) process.stderr.write('\r' + ' '.repeat(80) + '\r');
    },
  };
}
