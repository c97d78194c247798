/**
 * Identifiers and asset digests renamed from the old plan to the new one. Job folders are named
 * by identifier and asset folders by content digest, so a file that only moved with its job
 * differs in those names alone: once the old side is renamed, equal texts mean "only renamed".
 */

/** Hex runs long enough to be an identifier (64), an asset digest (16) or a short label (8). */
const HEX = /[0-9a-f]{8,}/g;

export class Renamer {
  private readonly map = new Map<string, string>();
  /** Short prefixes that two old identifiers share: never renamed. */
  private readonly ambiguous = new Set<string>();

  private add(from: string, to: string): void {
    if (this.ambiguous.has(from)) return;
    const known = this.map.get(from);
    if (known !== undefined && known !== to) {
      this.map.delete(from);
      this.ambiguous.add(from);
    } else this.map.set(from, to);
  }

  /** A job's identifier, and the 8-hex label schedulers' job names use. */
  job(from: string, to: string): void {
    if (from === to) return;
    this.add(from, to);
    this.add(from.slice(0, 8), to.slice(0, 8));
  }

  /** A sub-config's identifier (params.json `$id`). */
  config(from: string, to: string): void {
    if (from !== to) this.add(from, to);
  }

  /** An asset folder's digest. */
  asset(from: string, to: string): void {
    if (from !== to) this.add(from, to);
  }

  get size(): number {
    return this.map.size;
  }

  text(s: string): string {
    if (this.map.size === 0) return s;
    return s.replace(HEX, (t) => this.map.get(t) ?? t);
  }

  /** A params.json value renamed, without the `$id` keys (identifiers are compared elsewhere). */
  value(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== "$id") out[k] = this.value(x);
      return out;
    }
    return v;
  }
}
