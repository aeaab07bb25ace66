import { defineNodeUi } from './BaseNode.js';

export const waitUntilNode = defineNodeUi('wait_until', 'sun', [
  {
    widget: 'variant',
    path: ['mode'],
    label: 'Wait until',
    variants: {
      window: {
        label: 'A weekday and time window',
        defaults: () => ({ mode: 'window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }),
        fields: [
          { widget: 'weekdays', path: ['days'], label: 'On' },
          { widget: 'time', path: ['from'], label: 'From' },
          { widget: 'time', path: ['to'], label: 'To', help: 'Earlier than “From” means the window crosses midnight. Customer’s time zone.' },
        ],
      },
      date_trait: {
        label: 'A date in a trait',
        defaults: () => ({ mode: 'date_trait', trait: '' }),
        fields: [
          { widget: 'text', path: ['trait'], label: 'Date trait', placeholder: 'renewal_date' },
          { widget: 'offset', path: ['offset'], label: 'Shifted by (optional)', withDirection: true, optional: true },
        ],
      },
    },
  },
]);
