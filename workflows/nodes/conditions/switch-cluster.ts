import { z } from 'zod';
import { valueClusterLabels, valueClusterSchema } from '../../domain.js';
import { defineNodeKind } from '../kind.js';

export const switchCluster = defineNodeKind({
  kind: 'switch_cluster',
  category: 'condition',
  label: 'Switch by value cluster',
  description: 'One branch per value cluster (star, question mark, cash cow, dog) and a default.',
  docs: 'Routes the customer by their current value cluster. `clusters` lists the clusters that get their own outcome (named after the cluster: `star`, `question_mark`, `cash_cow`, `dog`); every other customer, including those not yet clustered, leaves through `default`.',
  params: z.object({
    clusters: z
      .array(valueClusterSchema)
      .min(1, 'pick at least one cluster')
      .refine((list) => new Set(list).size === list.length, 'each cluster can appear once'),
  }),
  example: { clusters: ['star', 'question_mark', 'cash_cow', 'dog'] },
  outcomes: (p) => [...p.clusters, 'default'],
  summary: (p) => `Switch by cluster: ${p.clusters.map((c) => valueClusterLabels[c]).join(', ')}`,
  compile: (p, ctx) => ({
    always: [
      ...p.clusters.map((cluster) => ({
        guard: { type: 'rapport.cluster_is', params: { nodeId: ctx.nodeId, cluster } },
        target: ctx.target(cluster),
      })),
      { target: ctx.target('default') },
    ],
  }),
});
