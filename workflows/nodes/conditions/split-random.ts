import { z } from 'zod';
import { defineNodeKind } from '../kind.js';

export const splitBranchSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a branch key is lower_snake_case, e.g. "variant_a"'),
  label: z.string().max(100).optional(),
  weight: z.number().int('weights are whole percentages').min(0).max(100),
  /** A holdout branch receives nothing; it measures what happens without the journey. */
  holdout: z.boolean().default(false),
});

export const splitRandom = defineNodeKind({
  kind: 'split_random',
  category: 'condition',
  label: 'Random split',
  description: 'A/B/n split by weight, with an optional holdout; the same customer always gets the same branch.',
  docs: 'Assigns each customer to one branch with probability `weight`% (weights must add up to 100). Assignment is a hash of journey id, node id and customer id, so it is stable across re-entries, replays and simulations. Mark a branch `holdout: true` to measure lift: connect it to an Exit (or a Goal wait) without messages. Outcomes: the branch keys.',
  params: z.object({
    branches: z
      .array(splitBranchSchema)
      .min(2, 'a split needs at least two branches')
      .max(10)
      .refine((list) => new Set(list.map((b) => b.key)).size === list.length, 'branch keys must be unique'),
  }),
  example: {
    branches: [
      { key: 'variant_a', weight: 45, holdout: false },
      { key: 'variant_b', weight: 45, holdout: false },
      { key: 'holdout', weight: 10, holdout: true },
    ],
  },
  outcomes: (p) => p.branches.map((b) => b.key),
  summary: (p) => `Split ${p.branches.map((b) => `${b.label ?? b.key} ${b.weight}%`).join(' / ')}`,
  compile: (p, ctx) => {
    let from = 0;
    const branches = p.branches.map((branch, i) => {
      const to = from + branch.weight;
      const guarded = i < p.branches.length - 1;
      const transition = guarded
        ? {
            guard: { type: 'rapport.split', params: { nodeId: ctx.nodeId, branch: branch.key, from, to } },
            target: ctx.target(branch.key),
          }
        : { target: ctx.target(branch.key) };
      from = to;
      return transition;
    });
    return { always: branches };
  },
});

/**
 * The customer's bucket in [0, 100) for a split: FNV-1a (32-bit) of "journey|node|customer".
 * Stable across processes, versions, replays and simulations; no randomness involved.
 */
export const splitBucket = (journeyId: string, nodeId: string, customerId: string): number => {
  const text = `${journeyId}|${nodeId}|${customerId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % 10_000) / 100;
};
