/**
 * The jobs that can start, by manifest position (the order a scan of every job would start
 * them in): a binary min-heap of positions, without duplicates.
 */
export class ReadyQueue {
  private readonly heap: number[] = [];
  private readonly members = new Set<number>();

  get size(): number {
    return this.heap.length;
  }

  add(pos: number): void {
    if (this.members.has(pos)) return;
    this.members.add(pos);
    const h = this.heap;
    let i = h.push(pos) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (h[up]! <= pos) break;
      h[i] = h[up]!;
      i = up;
    }
    h[i] = pos;
  }

  /** The smallest position, removed; undefined when empty. */
  pop(): number | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    this.members.delete(top);
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const c = l + 1 < h.length && h[l + 1]! < h[l]! ? l + 1 : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
