/**
 * Trims a source map (v3) to some of its sources: the bundle of execute tasks maps the project's
 * and experimaestro-ts's code, not the packages' (zod alone would be nine tenths of the map).
 * A dropped segment becomes an unmapped one, so that a position in a package's code maps to
 * nothing rather than to the nearest mapped line before it.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The fields of one segment (VLQ-decoded, still relative as in the map). */
function decodeSegment(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const d = DIGIT.get(c);
    if (d === undefined) throw new Error(`invalid source map mappings character '${c}'`);
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

function encodeValue(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = "";
  do {
    let d = v & 31;
    v >>>= 5;
    if (v) d |= 32;
    out += BASE64[d];
  } while (v);
  return out;
}

interface SourceMap {
  sources: string[];
  names?: string[];
  mappings: string;
  [key: string]: unknown;
}

/** The map with only the sources `keep` accepts (and the names they use); the generated positions are unchanged. */
export function keepSources(map: SourceMap, keep: (source: string) => boolean): SourceMap {
  const sourceIndex = map.sources.map(() => -1);
  const sources: string[] = [];
  map.sources.forEach((s, i) => keep(s) && (sourceIndex[i] = sources.push(s) - 1));
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  // Absolute values decoded so far (source, line, column, name), and those last encoded.
  const abs = [0, 0, 0, 0];
  const last = [0, 0, 0, 0];
  const lines = map.mappings.split(";").map((line) => {
    let column = 0;
    let lastColumn = 0;
    let unmapped = false;
    const out: string[] = [];
    for (const seg of line ? line.split(",") : []) {
      const f = decodeSegment(seg);
      column += f[0]!;
      for (let k = 1; k < f.length; k++) abs[k - 1]! += f[k]!;
      const kept = f.length >= 4 && sourceIndex[abs[0]!]! >= 0;
      if (!kept) {
        // Consecutive dropped segments: one unmapped segment is enough.
        if (!unmapped) out.push(encodeValue(column - lastColumn));
        if (!unmapped) lastColumn = column;
        unmapped = true;
        continue;
      }
      unmapped = false;
      const values = [sourceIndex[abs[0]!]!, abs[1]!, abs[2]!];
      if (f.length === 5) {
        if (!nameIndex.has(abs[3]!)) nameIndex.set(abs[3]!, names.push(map.names![abs[3]!]!) - 1);
        values.push(nameIndex.get(abs[3]!)!);
      }
      out.push(encodeValue(column - lastColumn) + values.map((v, k) => encodeValue(v - last[k]!)).join(""));
      values.forEach((v, k) => (last[k] = v));
      lastColumn = column;
    }
    return out.join(",");
  });
  const trimmed: SourceMap = { ...map, sources, names, mappings: lines.join(";") };
  if (Array.isArray(map.sourcesContent)) trimmed.sourcesContent = map.sourcesContent.filter((_, i) => sourceIndex[i]! >= 0);
  return trimmed;
}
