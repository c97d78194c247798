/**
 * Matching a requirement to launchers: alternatives in order; for each, launchers by priority
 * (higher first, then file order); the first launcher that satisfies it wins. When nothing
 * matches, every launcher says every reason why it refused.
 */
import type { Launcher } from "../model/launchers.ts";
import { formatBytes, formatDuration } from "../util/format.ts";
import type { Accelerator, HostRequirement, Requirement } from "./requirements.ts";

export interface Match {
  launcher: Launcher;
  /** Index of the alternative that matched. */
  alternative: number;
  host: HostRequirement;
}

export interface Refusal {
  launcher: string;
  alternative: number;
  reason: string;
}

/** Devices of a launcher, one entry each; MPS memory is the host's. */
function devices(l: Launcher): { type: string; memory: number | undefined }[] {
  return l.accelerators.flatMap((a) => Array.from({ length: a.count }, () => ({ type: a.type, memory: a.type === "mps" ? l.memory : a.memory })));
}

function compatible(asked: Accelerator, offered: { type: string }): boolean {
  return asked.type === "gpu" || asked.type === offered.type;
}

/** Why `l` cannot offer the accelerators asked, or undefined when it can. */
function acceleratorRefusal(asked: readonly Accelerator[], l: Launcher): string | undefined {
  if (asked.length === 0) return undefined;
  const free = devices(l);
  const typed = asked.every((a) => a.type === "gpu") ? "GPU" : asked.find((a) => a.type !== "gpu")!.type.toUpperCase();
  const usable = free.filter((d) => asked.some((a) => compatible(a, d)));
  if (usable.length < asked.length) return `asks ${asked.length} ${typed}${asked.length > 1 ? "s" : ""}, offers ${usable.length}`;
  // Largest asks first (the list is sorted), each takes the smallest device that fits.
  const pool = [...usable].sort((a, b) => (a.memory ?? Infinity) - (b.memory ?? Infinity));
  for (const a of asked) {
    const i = pool.findIndex((d) => compatible(a, d) && (a.memory === undefined || d.memory === undefined || d.memory >= a.memory));
    if (i < 0) {
      const best = Math.max(0, ...usable.map((d) => d.memory ?? 0));
      return `asks ${asked.length} ${typed}${asked.length > 1 ? "s" : ""} with ${formatBytes(a.memory ?? 0)}, offers ${usable.length} with at most ${formatBytes(best)}`;
    }
    pool.splice(i, 1);
  }
  return undefined;
}

/** Every reason why `l` cannot run `req` (cores, memory, duration, GPUs), "; "-separated, or undefined when it can. */
export function refusal(req: HostRequirement, l: Launcher): string | undefined {
  const reasons: string[] = [];
  if (l.cores !== undefined && req.cores > l.cores) reasons.push(`asks ${req.cores} cores, offers ${l.cores}`);
  if (req.memory !== undefined && l.memory !== undefined && req.memory > l.memory) reasons.push(`asks ${formatBytes(req.memory)} of memory, offers ${formatBytes(l.memory)}`);
  if (req.duration !== undefined && l.maxDuration !== undefined && req.duration > l.maxDuration) {
    reasons.push(`asks ${formatDuration(req.duration)}, allows at most ${formatDuration(l.maxDuration)}`);
  }
  const asked = req.accelerators;
  if (asked.length < l.minGpus) reasons.push(`takes only jobs with at least ${l.minGpus} GPU${l.minGpus > 1 ? "s" : ""}, asks ${asked.length}`);
  const accelerators = acceleratorRefusal(asked, l);
  if (accelerators !== undefined) reasons.push(accelerators);
  return reasons.length ? reasons.join("; ") : undefined;
}

/** Launchers in the order they are tried. */
export function byPriority(launchers: readonly Launcher[]): Launcher[] {
  return launchers.map((l, i) => ({ l, i })).sort((a, b) => b.l.priority - a.l.priority || a.i - b.i).map((x) => x.l);
}

/** The first (alternative, launcher) that fits, or every refusal. */
export function findLauncher(req: Requirement, launchers: readonly Launcher[]): { match: Match } | { refusals: Refusal[] } {
  const ordered = byPriority(launchers);
  const refusals: Refusal[] = [];
  for (let alt = 0; alt < req.length; alt++) {
    const host = req[alt]!;
    for (const l of ordered) {
      const why = refusal(host, l);
      if (why === undefined) return { match: { launcher: l, alternative: alt, host } };
      refusals.push({ launcher: l.id, alternative: alt, reason: why });
    }
  }
  return { refusals };
}
