import { defineNodeUi } from './BaseNode.js';

export const createTaskNode = defineNodeUi('create_task', 'task', [
  { widget: 'select', path: ['assignee', 'type'], label: 'Assign to a', options: [{ value: 'team', label: 'Team' }, { value: 'person', label: 'Person' }] },
  { widget: 'text', path: ['assignee', 'id'], label: 'Team or person', placeholder: 'customer-service' },
  { widget: 'template', path: ['title'], label: 'Title', placeholder: 'Call {{ customer.traits.first_name }}' },
  { widget: 'template', path: ['description'], label: 'Description (optional)', multiline: true, optional: true },
  { widget: 'duration', path: ['due'], label: 'Due in' },
  {
    widget: 'script',
    path: ['scriptName'],
    label: 'Script from contact strategy',
    optional: true,
    help: 'When the task is made: the script of this name for the customer’s value cluster, else the default rules’ one. The lines below are used when the strategy has none.',
  },
  { widget: 'lines', path: ['script'], label: 'Dialogue script (own lines)', placeholder: 'Apologise', addLabel: 'Add a line' },
]);
