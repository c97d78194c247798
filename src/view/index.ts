/** view: drawings of a plan (Graphviz DOT, Mermaid, SVG). Pure: values in, strings out. */
export {
  STATES,
  STATE_PRIORITY,
  STATE_STYLES,
  buildGraph,
  normalizeState,
  type CollapseMode,
  type GraphEdge,
  type GraphJob,
  type GraphNode,
  type GraphOptions,
  type GraphState,
  type GraphView,
  type KnownState,
} from "./graph.ts";
export { toDot } from "./dot.ts";
export { toMermaid } from "./mermaid.ts";
export { toSvg, type SvgOptions } from "./svg.ts";
