/**
 * Graphviz DOT for a plan's graph (`dot -Tsvg plan.dot > plan.svg`). Job nodes are rounded
 * boxes filled with their state's colour; a group is a double-bordered box with its counts per
 * state. Every string is a quoted, escaped DOT string (see `dotString`), and the legend's HTML-like
 * label is escaped as HTML.
 */
import { dotString, dotTooltip, htmlText } from "./escape.ts";
import { STATE_STYLES, asView, type GraphJob, type GraphOptions, type GraphView } from "./graph.ts";

const FONT = "Helvetica";

/** The graph as a DOT `digraph`. */
export function toDot(input: readonly GraphJob[] | GraphView, options?: GraphOptions): string {
  const view = asView(input, options);
  const out: string[] = [];
  out.push("digraph plan {");
  const graphAttrs = [`rankdir=${view.direction}`, `fontname=${dotString(FONT)}`, "fontsize=11", "nodesep=0.25", "ranksep=0.6"];
  if (view.title !== undefined) graphAttrs.push(`label=${dotString(view.title)}`, "labelloc=t");
  out.push(`  graph [${graphAttrs.join(", ")}];`);
  out.push(`  node [shape=box, style="rounded,filled", fontname=${dotString(FONT)}, fontsize=10, margin="0.12,0.06"];`);
  out.push(`  edge [color="#607d8b", arrowsize=0.7];`);
  for (const node of view.nodes) {
    const st = STATE_STYLES[node.state];
    const attrs = [`label=${dotString(node.lines.join("\n"))}`, `tooltip=${dotTooltip(node.tooltip)}`, `color="${st.stroke}"`, `fontcolor="${st.text}"`];
    // A group: a double border, filled with the colour of its most pressing state.
    if (node.keys.length > 1) attrs.push("shape=box", "style=filled", "peripheries=2");
    attrs.push(`fillcolor="${st.fill}"`);
    out.push(`  ${node.id} [${attrs.join(", ")}];`);
  }
  for (const e of view.edges) out.push(`  ${e.from} -> ${e.to};`);
  if (view.legend.length > 0) {
    // One node whose HTML-like label is a row of coloured cells (the state words are fixed
    // words; they are escaped all the same).
    const cells = view.legend.map((s) => {
      const st = STATE_STYLES[s];
      return `<TD BGCOLOR="${st.fill}" COLOR="${st.stroke}"><FONT COLOR="${st.text}">${htmlText(s)}</FONT></TD>`;
    });
    out.push(`  legend [shape=plain, style="", fontsize=9, label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3"><TR><TD BORDER="0">Legend</TD>${cells.join("")}</TR></TABLE>>];`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}
