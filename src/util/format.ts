/** Human formats for sizes and durations, shared by reports and messages. */

/** Bytes in the largest exact binary unit, else the largest exact decimal unit (`16GiB`, `500M`). */
export function formatBytes(n: number): string {
  const binary = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && v % 1024 === 0 && i < binary.length - 1) {
    v /= 1024;
    i++;
  }
  if (i > 0 || n < 1000) return `${v}${binary[i]}`;
  const decimal = ["B", "K", "M", "G", "T"];
  v = n;
  i = 0;
  while (v >= 1000 && i < decimal.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toFixed(2))}${decimal[i]}`;
}

/** Seconds as `H:MM:SS` (hours may exceed 24). */
export function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}
