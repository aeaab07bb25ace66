import { z } from 'zod';
import { updateState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

const params = z.object({ tag: z.string().min(1, 'enter a tag').max(100) });

export const addTag = defineNodeKind({
  kind: 'add_tag',
  category: 'action',
  label: 'Add tag',
  description: 'Adds a tag to the customer.',
  docs: 'Adds `tag` to the customer\'s tags (no-op if present). Outcome: `next`.',
  params,
  example: { tag: 'vip' },
  outcomes: () => ['next'],
  summary: (p) => `Add tag ${p.tag}`,
  compile: (p, ctx) => updateState(ctx, { addTags: [p.tag] }),
  customerUpdate: (p) => ({ addTags: [p.tag] }),
});

export const removeTag = defineNodeKind({
  kind: 'remove_tag',
  category: 'action',
  label: 'Remove tag',
  description: 'Removes a tag from the customer.',
  docs: 'Removes `tag` from the customer\'s tags (no-op if absent). Outcome: `next`.',
  params,
  example: { tag: 'trial' },
  outcomes: () => ['next'],
  summary: (p) => `Remove tag ${p.tag}`,
  compile: (p, ctx) => updateState(ctx, { removeTags: [p.tag] }),
  customerUpdate: (p) => ({ removeTags: [p.tag] }),
});
