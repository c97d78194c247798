/**
 * A Mermaid flowchart of a plan's graph (for Markdown that renders Mermaid). Job nodes are
 * rectangles, groups are subroutine boxes (`[[...]]`), states are classes (`st_done`, …).
 * Labels are quoted and every character outside a small safe set is a Mermaid entity (see
 * `mermaidText`), so no tag value can end a label or start a statement.
 *
 * Mermaid refuses, by default, texts above 50,000 characters and more than 500 edges: leave
 * collapsing on for large plans.
 */
import { mermaidText, safeIdent } from "./escape.ts";
import { STATE_STYLES, asView, type GraphJob, type GraphOptions, type GraphState, type GraphView } from "./graph.ts";

const stateClass = (s: GraphState) => `st_${safeIdent(s)}`;

/** The graph as a Mermaid `flowchart`. */
export function toMermaid(input: readonly GraphJob[] | GraphView, options?: GraphOptions): string {
  const view = asView(input, options);
  const out: string[] = [`flowchart ${view.direction}`];
  const byState = new Map<GraphState, string[]>();
  const classed = (s: GraphState, id: string) => {
    const list = byState.get(s) ?? [];
    list.push(id);
    byState.set(s, list);
  };
  for (const node of view.nodes) {
    const label = `"${mermaidText(node.lines.join("\n"))}"`;
    out.push(node.keys.length > 1 ? `  ${node.id}[[${label}]]` : `  ${node.id}[${label}]`);
    classed(node.state, node.id);
  }
  for (const e of view.edges) out.push(`  ${e.from} --> ${e.to}`);
  if (view.legend.length > 0) {
    out.push(`  subgraph legend["Legend"]`);
    out.push("    direction LR");
    view.legend.forEach((s, i) => {
      out.push(`    legend${i}["${mermaidText(s)}"]`);
      classed(s, `legend${i}`);
    });
    out.push("  end");
  }
  for (const [s, st] of Object.entries(STATE_STYLES) as Array<[GraphState, (typeof STATE_STYLES)[GraphState]]>) {
    const ids = byState.get(s);
    if (!ids) continue;
    out.push(`  classDef ${stateClass(s)} fill:${st.fill},stroke:${st.stroke},color:${st.text}`);
    out.push(`  class ${ids.join(",")} ${stateClass(s)}`);
  }
  return out.join("\n") + "\n";
}
