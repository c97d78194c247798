/**
 * A self-contained SVG of a plan's graph, laid out by dagre (@dagrejs/dagre): no script, no
 * stylesheet or font to fetch (a generic monospace font, whose width is predictable, so boxes fit
 * their text), no link. An HTML report can inline it and hook onto:
 *   - each node: `<g class="xpm-node xpm-st-<state>" id="<prefix>-n<i>" data-node="n<i>"
 *     data-key data-task data-state data-count [data-hash] [data-counts]>` with a `<title>`
 *     tooltip, a `<rect>` and a `<text>`; `data-key` is the job's key, or for a group its jobs'
 *     keys separated by spaces, so `[data-key~="<job key>"]` finds the node of any job;
 *     `data-counts` is a group's jobs per state as JSON;
 *   - each edge: `<path class="xpm-edge" data-from="n<i>" data-to="n<j>">`.
 * Coordinates have one decimal; the same graph gives the same bytes.
 */
import { graphlib, layout, type EdgeLabel, type GraphLabel, type NodeLabel, type Point } from "@dagrejs/dagre";
import { safeIdent, xmlAttr, xmlText } from "./escape.ts";
import { STATE_STYLES, asView, type GraphJob, type GraphNode, type GraphOptions, type GraphView } from "./graph.ts";

export interface SvgOptions extends GraphOptions {
  /** Prefix of element ids, so several SVGs can share a page (default `xpm`). */
  idPrefix?: string;
}

const FONT_FAMILY = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
const FONT_SIZE = 12;
const CHAR_W = 7.3; // a monospace advance is 0.6 em; a little more for safety
const LINE_H = 15;
const PAD_X = 10;
const PAD_Y = 8;
const BAR_H = 6;
const MARGIN = 16;
const EDGE_COLOUR = "#607d8b";

/** Round to one decimal, never `-0`. */
function num(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Approximate width of a line in the monospace font: East Asian wide characters count twice. */
function textWidth(s: string, charW = CHAR_W): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w * charW;
}

function nodeSize(node: GraphNode): { width: number; height: number } {
  const width = Math.max(64, ...node.lines.map((l) => textWidth(l))) + 2 * PAD_X;
  const height = node.lines.length * LINE_H + 2 * PAD_Y + (node.keys.length > 1 ? BAR_H + 4 : 0);
  return { width: Math.ceil(width), height: Math.ceil(height) };
}

/** The graph as an SVG document (no XML declaration, so it can be inlined in HTML as well). */
export function toSvg(input: readonly GraphJob[] | GraphView, options?: SvgOptions): string {
  const view = asView(input, options);
  const prefix = safeIdent(options?.idPrefix ?? "xpm");
  const { g, gw, gh } = layoutView(view);
  const header = renderHeader(view);
  const top = header.height;
  const edgeLines = renderEdges(view, g, prefix, top);
  const nodeLines: string[] = [];
  for (const node of view.nodes) nodeLines.push(renderNode(node, g.node(node.id), prefix, top));

  const width = Math.ceil(Math.max(gw, header.width) + 2 * MARGIN);
  const height = Math.ceil(top + gh + MARGIN);
  const label = view.title ?? `plan: ${view.jobCount} jobs`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xmlAttr(FONT_FAMILY)}" font-size="${FONT_SIZE}" role="img" aria-labelledby="${prefix}-title" data-jobs="${view.jobCount}" data-collapsed="${view.collapsed}">`,
    `<title id="${prefix}-title">${xmlText(label)}</title>`,
    `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${EDGE_COLOUR}"/></marker></defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...header.body,
    `<g class="xpm-edges">`,
    ...edgeLines,
    `</g>`,
    `<g class="xpm-nodes">`,
    ...nodeLines,
    `</g>`,
    `</svg>`,
  ].join("\n") + "\n";
}

type LaidGraph = graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>;

/** The view laid out by dagre, with the layout's width and height (0 for an empty graph). */
function layoutView(view: GraphView): { g: LaidGraph; gw: number; gh: number } {
  const g: LaidGraph = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: view.direction, nodesep: 24, ranksep: 48, edgesep: 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of view.nodes) g.setNode(node.id, nodeSize(node));
  for (const e of view.edges) g.setEdge(e.from, e.to);
  if (view.nodes.length > 0) layout(g);
  const gw = view.nodes.length > 0 ? (g.graph().width ?? 0) : 0;
  const gh = view.nodes.length > 0 ? (g.graph().height ?? 0) : 0;
  return { g, gw, gh };
}

/** Header: title, then the legend in one row; `height` is where the graph starts, `width` the header's. */
function renderHeader(view: GraphView): { body: string[]; width: number; height: number } {
  const body: string[] = [];
  let y = MARGIN;
  let headerW = 0;
  if (view.title !== undefined) {
    body.push(`<text class="xpm-title" x="${MARGIN}" y="${num(y + 14)}" font-size="14" font-weight="bold" fill="#212121">${xmlText(view.title)}</text>`);
    headerW = Math.max(headerW, textWidth(view.title, 8.5));
    y += 24;
  }
  if (view.legend.length > 0) {
    const legend = renderLegend(view.legend, y);
    body.push(legend.text);
    headerW = Math.max(headerW, legend.width);
    y += 24;
  }
  return { body, width: headerW, height: y };
}

/** The legend row at height `y`, and its width. */
function renderLegend(states: GraphView["legend"], y: number): { text: string; width: number } {
  const items: string[] = [];
  let x = 0;
  for (const s of states) {
    const st = STATE_STYLES[s];
    items.push(
      `<g class="xpm-legend-item" data-legend-state="${xmlAttr(s)}"><rect x="${num(x)}" y="0" width="12" height="12" rx="2" fill="${st.fill}" stroke="${st.stroke}"/>` +
        `<text x="${num(x + 17)}" y="10.5" fill="#212121">${xmlText(s)}</text></g>`,
    );
    x += 17 + textWidth(s) + 16;
  }
  return { text: `<g class="xpm-legend" transform="translate(${MARGIN},${num(y)})">${items.join("")}</g>`, width: x - 16 };
}

/** One `<path>` per laid-out edge, the graph drawn from height `top`. */
function renderEdges(view: GraphView, g: LaidGraph, prefix: string, top: number): string[] {
  const edgeLines: string[] = [];
  for (const e of view.edges) {
    const pts: Point[] = g.edge(e.from, e.to)?.points ?? [];
    if (pts.length < 2) continue;
    const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${num(p.x + MARGIN)},${num(p.y + top)}`).join(" ");
    edgeLines.push(`<path class="xpm-edge" data-from="${e.from}" data-to="${e.to}" d="${d}" fill="none" stroke="${EDGE_COLOUR}" stroke-width="1.2" marker-end="url(#${prefix}-arrow)"/>`);
  }
  return edgeLines;
}

function renderNode(node: GraphNode, laid: { x?: number; y?: number; width: number; height: number }, prefix: string, top: number): string {
  const st = STATE_STYLES[node.state];
  const cx = (laid.x ?? 0) + MARGIN;
  const cy = (laid.y ?? 0) + top;
  const x0 = cx - laid.width / 2;
  const y0 = cy - laid.height / 2;
  const group = node.keys.length > 1;
  const attrs = [
    `class="xpm-node xpm-st-${safeIdent(node.state)}"`,
    `id="${prefix}-${node.id}"`,
    `data-node="${node.id}"`,
    `data-key="${xmlAttr(node.keys.join(" "))}"`,
    `data-task="${xmlAttr(node.task)}"`,
    `data-state="${xmlAttr(node.state)}"`,
    `data-count="${node.keys.length}"`,
  ];
  if (node.hash !== undefined) attrs.push(`data-hash="${xmlAttr(node.hash)}"`);
  if (group) attrs.push(`data-counts="${xmlAttr(JSON.stringify(Object.fromEntries(node.counts)))}"`);
  const parts: string[] = [`<g ${attrs.join(" ")}>`, `<title>${xmlText(node.tooltip)}</title>`];
  parts.push(`<rect x="${num(x0)}" y="${num(y0)}" width="${num(laid.width)}" height="${num(laid.height)}" rx="${group ? 2 : 6}" fill="${st.fill}" stroke="${st.stroke}" stroke-width="${group ? 2 : 1.2}"/>`);
  const tspans = node.lines.map(
    (l, i) => `<tspan x="${num(cx)}" y="${num(y0 + PAD_Y + 11 + i * LINE_H)}"${i === 0 ? ' font-weight="bold"' : ""}>${xmlText(l)}</tspan>`,
  );
  parts.push(`<text text-anchor="middle" fill="${st.text}">${tspans.join("")}</text>`);
  if (group) {
    // A bar of the jobs per state, widths in proportion (cumulative rounding: no gaps).
    const total = node.keys.length;
    const bx = x0 + PAD_X;
    const bw = laid.width - 2 * PAD_X;
    const by = y0 + laid.height - PAD_Y - BAR_H;
    let done = 0;
    const segs: string[] = [];
    for (const [s, c] of node.counts) {
      const a = bx + (bw * done) / total;
      done += c;
      const b = bx + (bw * done) / total;
      segs.push(`<rect x="${num(a)}" y="${num(by)}" width="${num(Math.max(0.5, b - a))}" height="${BAR_H}" fill="${STATE_STYLES[s].stroke}" data-bar-state="${xmlAttr(s)}" data-bar-count="${c}"/>`);
    }
    parts.push(`<g class="xpm-bar">${segs.join("")}</g>`);
  }
  parts.push(`</g>`);
  return parts.join("");
}
