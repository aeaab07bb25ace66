import type { JourneyEdge, JourneyGraphInput, JourneyNode } from '../../workflows/index.js';

/**
 * A large, valid journey for the editor benchmark: a trigger, then blocks of steps (email → wait →
 * if/else, SMS → wait for an order, a three-way split, a tag and a trait update) attached breadth
 * first to every open outcome until the size is reached, each remaining outcome closed by a goal
 * or an exit. Positions are zero: the editor's own layout places it (see `layoutGraph`).
 */

type Block = (id: (kind: string) => string) => { nodes: Omit<JourneyNode, 'position'>[]; edges: Omit<JourneyEdge, 'id'>[]; entry: string; exits: { source: string; outcome: string }[] };

const blocks: Block[] = [
  (id) => {
    const [mail, wait, check] = [id('mail'), id('wait'), id('check')];
    return {
      nodes: [
        { id: mail, kind: 'send_email', label: 'Tips for new customers', params: { subject: 'Hi {{ customer.traits.first_name | default: "there" }}, three tips', body: 'Here is how to get more out of your account.' } },
        { id: wait, kind: 'wait_delay', params: { duration: { amount: 3, unit: 'days' } } },
        { id: check, kind: 'condition_rule', label: 'High value?', params: { rule: { kind: 'group', combinator: 'and', rules: [{ kind: 'condition', field: 'customer.stage', operator: 'eq', value: 'retain_develop' }, { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 }] } } },
      ],
      edges: [
        { source: mail, outcome: 'next', target: wait },
        { source: wait, outcome: 'next', target: check },
      ],
      entry: mail,
      exits: [{ source: check, outcome: 'yes' }, { source: check, outcome: 'no' }],
    };
  },
  (id) => {
    const [sms, wait] = [id('sms'), id('order-wait')];
    return {
      nodes: [
        { id: sms, kind: 'send_sms', params: { body: 'Your basket is waiting, {{ customer.traits.first_name | default: "friend" }}.' } },
        { id: wait, kind: 'wait_for_event', label: 'Order within a week?', params: { event: 'Order Completed', timeout: { amount: 7, unit: 'days' } } },
      ],
      edges: [{ source: sms, outcome: 'next', target: wait }],
      entry: sms,
      exits: [{ source: wait, outcome: 'received' }, { source: wait, outcome: 'timed_out' }],
    };
  },
  (id) => {
    const split = id('split');
    return {
      nodes: [
        {
          id: split,
          kind: 'split_random',
          label: 'A / B / holdout',
          params: { branches: [{ key: 'a', label: 'Variant A', weight: 45 }, { key: 'b', label: 'Variant B', weight: 45 }, { key: 'holdout', label: 'Holdout', weight: 10, holdout: true }] },
        },
      ],
      edges: [],
      entry: split,
      exits: [{ source: split, outcome: 'a' }, { source: split, outcome: 'b' }, { source: split, outcome: 'holdout' }],
    };
  },
  (id) => {
    const [tag, traits] = [id('tag'), id('traits')];
    return {
      nodes: [
        { id: tag, kind: 'add_tag', params: { tag: 'engaged' } },
        { id: traits, kind: 'update_traits', params: { set: { nurtured: true } } },
      ],
      edges: [{ source: tag, outcome: 'next', target: traits }],
      entry: tag,
      exits: [{ source: traits, outcome: 'next' }],
    };
  },
];

export const largeJourney = (size = 150, id = 'large-journey'): JourneyGraphInput => {
  let counter = 0;
  const newId = (kind: string) => `${kind}-${(counter += 1)}`;
  const nodes: JourneyNode[] = [{ id: 'signed-up', kind: 'trigger_event', label: 'Signed up', params: { event: 'Signed Up' }, position: { x: 0, y: 0 } }];
  const edges: JourneyEdge[] = [];
  const open: { source: string; outcome: string }[] = [{ source: 'signed-up', outcome: 'next' }];
  const link = (source: string, outcome: string, target: string) => edges.push({ id: `e-${source}-${outcome}`, source, outcome, target });
  let b = 0;
  // Attach blocks breadth first while they fit, keeping one node per open outcome for its ending.
  for (;;) {
    const block = blocks[b % blocks.length] as Block;
    const saved = counter;
    const next = block(newId);
    const end = open[0];
    if (!end || nodes.length + next.nodes.length + open.length - 1 + next.exits.length > size) {
      counter = saved;
      break;
    }
    open.shift();
    b += 1;
    nodes.push(...next.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })));
    next.edges.forEach((e) => link(e.source, e.outcome, e.target));
    link(end.source, end.outcome, next.entry);
    open.push(...next.exits);
  }
  // Close every open outcome; fill up to the size with tag steps on the first branches.
  open.forEach((end, i) => {
    let source = end.source;
    let outcome = end.outcome;
    while (nodes.length < size - (open.length - i)) {
      const tag = newId('tag');
      nodes.push({ id: tag, kind: 'add_tag', params: { tag: 'extra' }, position: { x: 0, y: 0 } });
      link(source, outcome, tag);
      source = tag;
      outcome = 'next';
    }
    const last = newId(i % 2 === 0 ? 'goal' : 'exit');
    nodes.push(i % 2 === 0 ? { id: last, kind: 'goal_reached', params: { label: 'nurtured' }, position: { x: 0, y: 0 } } : { id: last, kind: 'exit', params: { reason: 'not interested' }, position: { x: 0, y: 0 } });
    link(source, outcome, last);
  });
  return {
    id,
    name: `Onboarding with ${nodes.length} steps`,
    nodes,
    edges,
    settings: { entry: { mode: 'once' }, exit: [], timeZone: { use: 'customer', fallback: 'Europe/Berlin' } },
  };
};
