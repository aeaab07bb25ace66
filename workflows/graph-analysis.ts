/** Pure graph algorithms over node ids and directed edges. */

export interface DirectedEdge {
  source: string;
  target: string;
}

export const adjacency = (nodeIds: readonly string[], edges: readonly DirectedEdge[]): Map<string, string[]> => {
  const out = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) out.get(edge.source)?.push(edge.target);
  return out;
};

/** Every node reachable from `starts` (including them), following `next` only through nodes for which `through` holds. */
export const reachableFrom = (
  starts: readonly string[],
  next: Map<string, string[]>,
  through: (id: string) => boolean = () => true,
): Set<string> => {
  const seen = new Set<string>(starts);
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (!through(id) && !starts.includes(id)) continue;
    for (const target of next.get(id) ?? []) {
      if (!seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return seen;
};

/** Strongly connected components (iterative Tarjan); only components that contain a cycle are returned. */
export const cycles = (nodeIds: readonly string[], next: Map<string, string[]>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter);
    counter += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; child: number };
      const targets = next.get(frame.id) ?? [];
      if (frame.child < targets.length) {
        const target = targets[frame.child] as string;
        frame.child += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ id: target, child: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && targets.includes(frame.id);
        if (component.length > 1 || selfLoop) found.push(component.reverse());
      }
    }
  }
  return found;
};
