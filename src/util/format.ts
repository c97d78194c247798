/**
 * Sizes and durations: their units, parsing (`16GiB`, `4h`) and human formats, shared by
 * launchers.yaml, requirement strings, backends and reports.
 */

/** Duration units, in seconds. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

/** Size units, in bytes: `G`/`M` decimal, `GiB`/`MiB` binary. */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  K: 1e3,
  KB: 1e3,
  M: 1e6,
  MB: 1e6,
  G: 1e9,
  GB: 1e9,
  T: 1e12,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** A number with its unit from `table` (`16GiB`, `2days`); undefined when malformed or the unit is unknown. */
function withUnit(table: Readonly<Record<string, number>>, text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(text);
  const factor = m ? table[m[2]!] : undefined;
  return m && factor !== undefined ? Math.round(Number(m[1]) * factor) : undefined;
}

/** Parses `16GiB`, `500M`: a size with its unit, in bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  return withUnit(SIZE_UNITS, text);
}

/** Parses `4h`, `2days`, `30min`: a duration with its unit, in seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  return withUnit(DURATION_UNITS, text);
}

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

/** `1:02:03`, `4:05`, or `—`. */
export function clock(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
