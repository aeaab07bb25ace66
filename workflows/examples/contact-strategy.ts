import type { ContactStrategyInput } from '../contact-policy.js';

/**
 * The contact strategy a new workspace starts with when the examples are imported: a goal and a
 * "complaint" dialogue script per cluster (the complaint-handling example's manager call picks it
 * by name). It allows every channel and sets no cap, budget or quiet hours, so the examples send
 * as they would without a strategy; the costs per contact make their cost reports meaningful.
 */
const channels = { email: { costPerContact: 0.01 }, sms: { costPerContact: 0.09 }, chat: { costPerContact: 0 } };

const explain = 'Explain what happened and what we have changed so it does not happen again.';
const askResolved = 'Ask whether this resolves the complaint; if so, mark it resolved.';
/** Thank, apologise, explain, then what this cluster is offered, then ask whether it is resolved. */
const complaintScript = (offer: string[]) => [
  { name: 'complaint', lines: ['Thank them for telling us.', 'Apologise for what went wrong.', explain, ...offer, askResolved] },
];

export const exampleContactStrategy = {
  default: { goal: 'keep in touch, at low cost', channels, scripts: complaintScript([]) },
  star: {
    goal: 'keep them delighted: personal contact, a manager for every problem',
    channels,
    scripts: [
      {
        name: 'complaint',
        lines: [
          'Introduce yourself as the store manager and thank them for telling us.',
          'Apologise personally for what went wrong.',
          explain,
          'Offer: a replacement by express delivery at our cost, and a 25 EUR voucher for the next order.',
          askResolved,
        ],
      },
    ],
  },
  question_mark: { goal: 'develop their potential without buying their loyalty', channels, scripts: complaintScript(['Offer a 10 % discount only if they insist.']) },
} satisfies ContactStrategyInput;
