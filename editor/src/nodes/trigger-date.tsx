import { defineNodeUi } from './BaseNode.js';

export const triggerDateNode = defineNodeUi('trigger_date', 'calendar', [
  { widget: 'text', path: ['trait'], label: 'Date trait', placeholder: 'renewal_date', help: 'A customer trait holding a date (ISO 8601 or epoch milliseconds).' },
  { widget: 'select', path: ['direction'], label: 'When', options: [{ value: 'before', label: 'Before the date' }, { value: 'after', label: 'After the date' }] },
  { widget: 'offset', path: ['offset'], label: 'How long', withDirection: false },
  { widget: 'time', path: ['at'], label: 'At (local time)', optional: true, visible: (p) => (p.offset as { unit?: string } | undefined)?.unit !== 'hours' },
  { widget: 'checkbox', path: ['yearly'], label: 'Repeat every year (birthdays, anniversaries)' },
]);
