import { z } from 'zod';
import { durationMs, durationSchema, formatDuration } from '../../duration.js';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const createTask = defineNodeKind({
  kind: 'create_task',
  category: 'action',
  label: 'Create task',
  description: 'Creates a task for a person or team, with a due time and a dialogue script.',
  docs: 'Creates a task (e.g. "call this customer") assigned to a person or a team, due `due` after the step. `title` and `description` are Liquid templates; `script` is the dialogue to follow, one line per step (e.g. apologise → explain → offer). Tasks are listed through the API. Outcome: `next`.',
  params: z.object({
    assignee: z.object({ type: z.enum(['person', 'team']), id: z.string().min(1, 'pick who gets the task').max(200) }),
    title: z.string().min(1, 'write a title').max(500),
    description: z.string().max(5000).optional(),
    due: durationSchema,
    script: z.array(z.string().min(1).max(1000)).max(50).default([]),
  }),
  example: {
    assignee: { type: 'team', id: 'customer-service' },
    title: 'Call {{ customer.traits.first_name }} about the complaint',
    due: { amount: 30, unit: 'minutes' },
    script: ['Apologise', 'Explain what happened', 'Offer the manager\'s gesture'],
  },
  outcomes: () => ['next'],
  summary: (p) => `Task for ${p.assignee.type} ${p.assignee.id}, due in ${formatDuration(p.due)}`,
  compile: (p, ctx) => effectState(ctx, 'create_task', p),
  effect: (p, scope) => ({
    channel: 'task',
    payload: {
      assignee: p.assignee,
      customerId: scope.customer.id,
      title: renderTemplate(p.title, scope),
      description: p.description === undefined ? null : renderTemplate(p.description, scope),
      dueAt: scope.now + durationMs(p.due),
      script: p.script,
    },
  }),
  references: (p) => [
    { type: 'template', source: p.title, path: ['title'] },
    ...(p.description === undefined ? [] : [{ type: 'template' as const, source: p.description, path: ['description'] }]),
  ],
});
