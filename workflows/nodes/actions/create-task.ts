import { z } from 'zod';
import { dialogueScriptNameSchema } from '../../contact-policy.js';
import { durationMs, durationSchema, formatDuration } from '../../duration.js';
import { renderTemplate } from '../../template.js';
import { effectState } from '../fragments.js';
import { defineNodeKind } from '../kind.js';

export const createTask = defineNodeKind({
  kind: 'create_task',
  category: 'action',
  label: 'Create task',
  description: 'Creates a task for a person or team, with a due time and a dialogue script.',
  docs: 'Creates a task (e.g. "call this customer") assigned to a person or a team, due `due` after the step. `title` and `description` are Liquid templates; `script` is the dialogue to follow, one line per step (e.g. apologise → explain → offer). `scriptName` picks a dialogue script of the contact strategy instead: when the task is made, the script of that name in the rules of the customer\'s value cluster, else in the default rules; the step\'s own `script` lines are the fallback when the strategy has no such script. Tasks are listed through the API with the lines they got (`script`), `scriptName` and `scriptCluster` (whose rules the lines came from). Outcome: `next`.',
  params: z.object({
    assignee: z.object({ type: z.enum(['person', 'team']), id: z.string().min(1, 'pick who gets the task').max(200) }),
    title: z.string().min(1, 'write a title').max(500),
    description: z.string().max(5000).optional(),
    due: durationSchema,
    script: z.array(z.string().min(1).max(1000)).max(50).default([]),
    /** A dialogue script of the contact strategy, resolved for the customer's cluster when the task is made; `script` is the fallback. */
    scriptName: dialogueScriptNameSchema.optional(),
  }),
  example: {
    assignee: { type: 'team', id: 'customer-service' },
    title: 'Call {{ customer.traits.first_name }} about the complaint',
    due: { amount: 30, unit: 'minutes' },
    script: ['Apologise', 'Explain what happened', 'Offer the manager\'s gesture'],
    scriptName: 'complaint',
  },
  outcomes: () => ['next'],
  summary: (p) => `Task for ${p.assignee.type} ${p.assignee.id}, due in ${formatDuration(p.due)}${p.scriptName === undefined ? '' : `, script "${p.scriptName}"`}`,
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
      ...(p.scriptName === undefined ? {} : { scriptName: p.scriptName }),
    },
  }),
  references: (p) => [
    { type: 'template', source: p.title, path: ['title'] },
    ...(p.description === undefined ? [] : [{ type: 'template' as const, source: p.description, path: ['description'] }]),
    ...(p.scriptName === undefined ? [] : [{ type: 'script' as const, name: p.scriptName, path: ['scriptName'] }]),
  ],
});
