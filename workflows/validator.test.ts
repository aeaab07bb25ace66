/**
 * Validator findings: one case per finding code (the table's keys must equal `findingCodes`), each
 * with the exact finding — code, severity, node/edge id, path, and a message that says how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { compile } from './compiler.js';
import { errorsOf, findingCodes, warningsOf, type Finding, type FindingCode } from './findings.js';
import type { JourneyGraphInput } from './graph.js';
import { validateJourney, type WorkspaceContext } from './validator.js';

type NodeInput = JourneyGraphInput['nodes'][number];
type EdgeInput = JourneyGraphInput['edges'][number];
type SettingsInput = JourneyGraphInput['settings'];

const journey = (nodes: NodeInput[], edges: EdgeInput[], settings?: SettingsInput): JourneyGraphInput => ({
  id: 'j-test',
  name: 'Test journey',
  nodes,
  edges,
  ...(settings ? { settings } : {}),
});

const edge = (id: string, source: string, outcome: string, target: string): EdgeInput => ({ id, source, outcome, target });

// Building blocks
const manual: NodeInput = { id: 't', kind: 'trigger_manual', params: {} };
const onEvent: NodeInput = { id: 't', kind: 'trigger_event', params: { event: 'Signed Up' } };
const exitNode: NodeInput = { id: 'x', kind: 'exit', params: {} };
const email = (id: string, subject = 'Welcome', body = 'Hello {{ customer.traits.first_name }}'): NodeInput => ({
  id,
  kind: 'send_email',
  params: { subject, body },
});
const isOver = { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 500 } as const;
const condition = (id: string): NodeInput => ({ id, kind: 'condition_rule', params: { rule: isOver } });
const delay = (id: string): NodeInput => ({ id, kind: 'wait_delay', params: { duration: { amount: 1, unit: 'days' } } });
const goal = { event: 'Order Completed' };
const scriptTask = (scriptName: string): NodeInput => ({
  id: 'k',
  kind: 'create_task',
  params: { assignee: { type: 'team', id: 'service' }, title: 'Call', due: { amount: 1, unit: 'hours' }, script: ['Apologise'], scriptName },
});

interface FindingCase {
  /** What the case shows. */
  about: string;
  graph: unknown;
  context?: WorkspaceContext;
  /** Every finding with this case's code, exactly. */
  expected: Finding[];
  /** The part of every message that tells the author how to fix the problem. */
  fix: RegExp;
}

const stages = 'selection, identify_attract, retain_develop, expand, keep_reactivate, win_back, phased_out';
const templateRootsText = '{{ customer.… }}, {{ event.… }}, {{ trigger.… }}, {{ journey.… }}, {{ run.… }}';

const cases: Record<FindingCode, FindingCase> = {
  invalid_graph: {
    about: 'a node field of the wrong type points at that field, with the node id',
    graph: {
      id: 'j-test',
      name: 'Test journey',
      nodes: [manual, { id: 'x', kind: 'exit', params: {}, position: { x: 'left', y: 0 } }],
      edges: [edge('e1', 't', 'next', 'x')],
    },
    expected: [
      {
        code: 'invalid_graph',
        severity: 'error',
        nodeId: 'x',
        path: ['nodes', 1, 'position', 'x'],
        message: 'Invalid input: expected number, received string at nodes.1.position.x',
      },
    ],
    fix: /expected number/,
  },
  duplicate_id: {
    about: 'two nodes with one id, and an edge reusing a node id',
    graph: journey([manual, exitNode, { id: 'x', kind: 'goal_reached', params: {} }], [edge('x', 't', 'next', 'x')], { goal }),
    expected: [
      { code: 'duplicate_id', severity: 'error', nodeId: 'x', message: 'two nodes have the id "x"; give each node its own id' },
      { code: 'duplicate_id', severity: 'error', edgeId: 'x', message: 'the id "x" is used twice; give each edge its own id' },
    ],
    fix: /give each (node|edge) its own id/,
  },
  invalid_params: {
    about: 'a fractional delay points at duration.amount',
    graph: journey(
      [manual, { id: 'd', kind: 'wait_delay', params: { duration: { amount: 1.5, unit: 'days' } } }, exitNode],
      [edge('e1', 't', 'next', 'd'), edge('e2', 'd', 'next', 'x')],
      { goal },
    ),
    expected: [
      {
        code: 'invalid_params',
        severity: 'error',
        nodeId: 'd',
        path: ['duration', 'amount'],
        message: 'Delay: use a whole number; pick a smaller unit for fractions at duration.amount',
      },
    ],
    fix: /use a whole number; pick a smaller unit/,
  },
  wait_without_timeout: {
    about: 'a wait-for-event node without a timeout',
    graph: journey(
      [manual, { id: 'w', kind: 'wait_for_event', params: { event: 'Order Completed' } }, exitNode],
      [edge('e1', 't', 'next', 'w'), edge('e2', 'w', 'received', 'x')],
      { goal },
    ),
    expected: [
      {
        code: 'wait_without_timeout',
        severity: 'error',
        nodeId: 'w',
        path: ['timeout'],
        message: 'a wait-for-event node needs a timeout (e.g. { "amount": 7, "unit": "days" }) so no customer waits forever',
      },
    ],
    fix: /needs a timeout \(e\.g\./,
  },
  split_weights_invalid: {
    about: 'weights 60 + 30',
    graph: journey(
      [
        manual,
        { id: 's', kind: 'split_random', params: { branches: [{ key: 'a', weight: 60 }, { key: 'b', weight: 30 }] } },
        exitNode,
      ],
      [edge('e1', 't', 'next', 's'), edge('e2', 's', 'a', 'x'), edge('e3', 's', 'b', 'x')],
      { goal },
    ),
    expected: [
      { code: 'split_weights_invalid', severity: 'error', nodeId: 's', path: ['branches'], message: 'split weights add up to 90; make them add up to 100' },
    ],
    fix: /make them add up to 100/,
  },
  edge_unknown_node: {
    about: 'edges to and from nodes that do not exist',
    graph: journey([manual, exitNode], [edge('e1', 't', 'next', 'ghost'), edge('e2', 'phantom', 'next', 'x')], { goal }),
    expected: [
      { code: 'edge_unknown_node', severity: 'error', edgeId: 'e1', message: 'edge "e1" points at node "ghost", which does not exist; delete the edge or reconnect it' },
      { code: 'edge_unknown_node', severity: 'error', edgeId: 'e2', message: 'edge "e2" points at node "phantom", which does not exist; delete the edge or reconnect it' },
    ],
    fix: /delete the edge or reconnect it/,
  },
  edge_unknown_outcome: {
    about: 'an outcome the node does not have, and an edge out of an Exit',
    graph: journey(
      [manual, condition('c'), exitNode, { id: 'y', kind: 'exit', params: {} }],
      [
        edge('e1', 't', 'next', 'c'),
        edge('e2', 'c', 'yes', 'x'),
        edge('e3', 'c', 'no', 'x'),
        edge('e4', 'c', 'maybe', 'x'),
        edge('e5', 'x', 'next', 'y'),
      ],
      { goal },
    ),
    expected: [
      { code: 'edge_unknown_outcome', severity: 'error', edgeId: 'e4', nodeId: 'c', message: 'node "c" has no outcome "maybe"; its outcomes are "yes", "no"' },
      { code: 'edge_unknown_outcome', severity: 'error', edgeId: 'e5', nodeId: 'x', message: 'node "x" has no outcome "next"; its outcomes are none (this node ends the run)' },
    ],
    fix: /its outcomes are/,
  },
  edge_into_trigger: {
    about: 'an edge that leads back into the trigger',
    graph: journey([manual, delay('d')], [edge('e1', 't', 'next', 'd'), edge('back', 'd', 'next', 't')], { goal }),
    expected: [
      {
        code: 'edge_into_trigger',
        severity: 'error',
        edgeId: 'back',
        nodeId: 't',
        message: 'edge "back" leads into trigger "t"; triggers start journeys and cannot be entered from another node; delete the edge or connect it to a node after the trigger',
      },
    ],
    fix: /\b(delete|remove|reconnect|connect)\b/,
  },
  outcome_connected_twice: {
    about: 'one outcome with two edges',
    graph: journey([manual, exitNode, { id: 'y', kind: 'exit', params: {} }], [edge('e1', 't', 'next', 'x'), edge('e2', 't', 'next', 'y')], { goal }),
    expected: [
      {
        code: 'outcome_connected_twice',
        severity: 'error',
        edgeId: 'e2',
        nodeId: 't',
        message: 'outcome "next" of node "t" is already connected by edge "e1"; an outcome leads to exactly one node, so delete one of the two edges',
      },
    ],
    fix: /\b(delete|remove|reconnect|connect .* to)\b/,
  },
  no_trigger: {
    about: 'a journey without a trigger',
    graph: journey([email('m'), exitNode], [edge('e1', 'm', 'next', 'x')], { goal }),
    expected: [{ code: 'no_trigger', severity: 'error', message: 'the journey has no trigger; add one (e.g. "Event received") so customers can enter' }],
    fix: /add one/,
  },
  unconnected_outcome: {
    about: 'the "no" outcome of a condition is not connected',
    graph: journey([manual, condition('c'), exitNode], [edge('e1', 't', 'next', 'c'), edge('e2', 'c', 'yes', 'x')], { goal }),
    expected: [
      {
        code: 'unconnected_outcome',
        severity: 'error',
        nodeId: 'c',
        path: ['no'],
        message: 'outcome "no" of node "c" is not connected; connect it to the next step (or to an Exit)',
      },
    ],
    fix: /connect it to the next step/,
  },
  unreachable_node: {
    about: 'an email on an island',
    graph: journey([manual, email('m'), exitNode], [edge('e1', 't', 'next', 'x'), edge('e2', 'm', 'next', 'x')], { goal }),
    expected: [{ code: 'unreachable_node', severity: 'error', nodeId: 'm', message: 'node "m" cannot be reached from any trigger; connect it or delete it' }],
    fix: /connect it or delete it/,
  },
  cycle_without_wait: {
    about: 'condition → tag → condition, with no wait',
    graph: journey(
      [manual, condition('a'), { id: 'b', kind: 'add_tag', params: { tag: 'looped' } }, exitNode],
      [edge('e1', 't', 'next', 'a'), edge('e2', 'a', 'yes', 'b'), edge('e3', 'b', 'next', 'a'), edge('e4', 'a', 'no', 'x')],
      { goal },
    ),
    expected: [
      {
        code: 'cycle_without_wait',
        severity: 'error',
        nodeId: 'a',
        message: 'nodes "a" → "b" form a loop with no wait in it, which would run forever in one step; add a Delay or Wait node to the loop',
      },
    ],
    fix: /add a Delay or Wait node/,
  },
  invalid_template: {
    about: 'an unclosed output tag and an unknown filter',
    graph: journey([manual, email('m', '{{ customer.id ', 'Hi {{ customer.id | shout }}'), exitNode], [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')], { goal }),
    expected: [
      {
        code: 'invalid_template',
        severity: 'error',
        nodeId: 'm',
        path: ['subject'],
        message: 'template error: output "{{ customer.id " not closed, line:1, col:1 at subject',
      },
      { code: 'invalid_template', severity: 'error', nodeId: 'm', path: ['body'], message: 'template error: undefined filter: shout, line:1, col:4 at body' },
    ],
    fix: /line:\d+, col:\d+ at (subject|body)$/,
  },
  unknown_template_variable: {
    about: 'a variable outside customer/event/trigger/journey/run',
    graph: journey([manual, email('m', 'Hi', 'Dear {{ user.name }}'), exitNode], [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')], { goal }),
    expected: [
      {
        code: 'unknown_template_variable',
        severity: 'error',
        nodeId: 'm',
        path: ['body'],
        message: `unknown variable "user"; templates can use ${templateRootsText} at body`,
      },
    ],
    fix: /templates can use/,
  },
  unknown_journey: {
    about: 'enrolling in a journey the workspace does not have',
    graph: journey(
      [manual, { id: 'n', kind: 'enrol_journey', params: { journeyId: 'missing-journey' } }, exitNode],
      [edge('e1', 't', 'next', 'n'), edge('e2', 'n', 'next', 'x')],
      { goal },
    ),
    context: { journeys: ['welcome', 'win-back'] },
    expected: [
      {
        code: 'unknown_journey',
        severity: 'error',
        nodeId: 'n',
        path: ['journeyId'],
        message: 'journey "missing-journey" does not exist in this workspace; pick an existing journey',
      },
    ],
    fix: /pick an existing journey/,
  },
  unknown_segment: {
    about: 'a segment trigger for a segment the workspace does not have',
    graph: journey([{ id: 't', kind: 'trigger_segment_entered', params: { segmentId: 'vip' } }, exitNode], [edge('e1', 't', 'next', 'x')], { goal }),
    context: { segments: ['engaged-readers'] },
    expected: [
      {
        code: 'unknown_segment',
        severity: 'error',
        nodeId: 't',
        path: ['segmentId'],
        message: 'segment "vip" does not exist in this workspace; pick an existing segment',
      },
    ],
    fix: /pick an existing segment/,
  },
  unknown_stage: {
    about: 'a stage id that is not a lifecycle stage',
    graph: journey(
      [manual, { id: 's', kind: 'set_stage', params: { stage: 'limbo' } }, exitNode],
      [edge('e1', 't', 'next', 's'), edge('e2', 's', 'next', 'x')],
      { goal },
    ),
    expected: [
      { code: 'unknown_stage', severity: 'error', nodeId: 's', path: ['stage'], message: `"limbo" is not a lifecycle stage; use one of ${stages}` },
    ],
    fix: /use one of/,
  },
  invalid_time_zone: {
    about: 'a fallback time zone that is not an IANA zone',
    graph: journey([manual, exitNode], [edge('e1', 't', 'next', 'x')], { goal, timeZone: { use: 'customer', fallback: 'Mars/Olympus_Mons' } }),
    expected: [
      {
        code: 'invalid_time_zone',
        severity: 'error',
        path: ['settings', 'timeZone', 'fallback'],
        message: '"Mars/Olympus_Mons" is not an IANA time zone; use e.g. "Europe/Berlin" or "UTC"',
      },
    ],
    fix: /use e\.g\. \"Europe\/Berlin\"/,
  },
  message_without_wait: {
    about: 'every purchase sends an email straight away',
    graph: journey([onEvent, email('m'), exitNode], [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')], { goal, entry: { mode: 'every_time' } }),
    expected: [
      {
        code: 'message_without_wait',
        severity: 'warning',
        nodeId: 'm',
        message:
          '"m" messages the customer straight after trigger "t", which can fire repeatedly; customers may get this message many times — add a wait, or use entry policy "once" or a cooldown',
      },
    ],
    fix: /add a wait, or use entry policy \"once\" or a cooldown/,
  },
  no_goal: {
    about: 'neither a goal setting nor a Goal reached node',
    graph: journey([manual, exitNode], [edge('e1', 't', 'next', 'x')]),
    expected: [
      {
        code: 'no_goal',
        severity: 'warning',
        message: 'the journey has no goal, so its conversions cannot be measured; set a goal event or add a "Goal reached" node',
      },
    ],
    fix: /set a goal event or add a \"Goal reached\" node/,
  },
  unknown_script: {
    about: 'a task picks a dialogue script no cluster of the contact strategy defines',
    graph: journey([manual, scriptTask('complain'), exitNode], [edge('e1', 't', 'next', 'k'), edge('e2', 'k', 'next', 'x')], { goal }),
    context: { scripts: ['complaint', 'welcome call'] },
    expected: [
      {
        code: 'unknown_script',
        severity: 'warning',
        nodeId: 'k',
        path: ['scriptName'],
        message:
          'no cluster of the contact strategy (nor its default) has a dialogue script "complain" (its scripts are "complaint", "welcome call"), so its tasks get only the step\'s own lines; add the script under Contact strategy or pick another',
      },
    ],
    fix: /add the script under Contact strategy or pick another/,
  },
};

const warningCodes: readonly FindingCode[] = ['message_without_wait', 'no_goal', 'unknown_script'];

const findingsWith = (code: FindingCode, graph: unknown, context?: WorkspaceContext): Finding[] =>
  validateJourney(graph, context).findings.filter((f) => f.code === code);

describe('finding codes', () => {
  it('every finding code has a case, and every case is a finding code', () => {
    expect(Object.keys(cases).sort()).toEqual([...findingCodes].sort());
  });

  describe.each(findingCodes)('%s', (code) => {
    const { about, graph, context, expected } = cases[code];

    it(`is reported exactly: ${about}`, () => {
      expect(findingsWith(code, graph, context)).toStrictEqual(expected);
    });

    it(`has severity ${warningCodes.includes(code) ? 'warning' : 'error'}`, () => {
      for (const finding of findingsWith(code, graph, context)) expect(finding.severity).toBe(warningCodes.includes(code) ? 'warning' : 'error');
    });

    it('says how to fix it', () => {
      for (const finding of findingsWith(code, graph, context)) expect(finding.message).toMatch(cases[code].fix);
    });

    it(`compile ${warningCodes.includes(code) ? 'succeeds and returns it as a warning' : 'fails with it'}`, () => {
      const result = compile(graph, context);
      if (warningCodes.includes(code)) {
        expect(result.ok).toBe(true);
        expect(result.warnings.filter((f) => f.code === code)).toStrictEqual(expected);
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.filter((f) => f.code === code)).toStrictEqual(expected);
      }
    });
  });
});

describe('invalid_graph', () => {
  it('points at an invalid edge field with the edge id, and at the node id of a bad node id', () => {
    const { graph, findings } = validateJourney({
      id: 'j-test',
      name: 'Test journey',
      nodes: [manual, { id: 'bad.id', kind: 'exit' }],
      edges: [{ id: 'e1', source: 't', outcome: '', target: 'x' }],
    });
    expect(graph).toBeNull();
    expect(findings).toStrictEqual([
      {
        code: 'invalid_graph',
        severity: 'error',
        nodeId: 'bad.id',
        path: ['nodes', 1, 'id'],
        message: 'an id has 1–64 letters, digits, "_" or "-" (no dots, "#" or spaces) at nodes.1.id',
      },
      {
        code: 'invalid_graph',
        severity: 'error',
        edgeId: 'e1',
        path: ['edges', 0, 'outcome'],
        message: 'Too small: expected string to have >=1 characters at edges.0.outcome',
      },
    ]);
  });

  it('points into the settings', () => {
    const findings = validateJourney(journey([manual, exitNode], [edge('e1', 't', 'next', 'x')], { entry: { mode: 'every_time', cooldown: { amount: -1, unit: 'days' } } })).findings;
    expect(findings.map((f) => [f.code, f.path])).toEqual([['invalid_graph', ['settings', 'entry', 'cooldown', 'amount']]]);
  });

  it('returns no graph and no checked nodes', () => {
    const validation = validateJourney(null);
    expect(validation.graph).toBeNull();
    expect(validation.checked.size).toBe(0);
    expect(validation.findings).toStrictEqual([{ code: 'invalid_graph', severity: 'error', path: [], message: 'Invalid input: expected object, received null' }]);
  });
});

describe('invalid_params', () => {
  it('reports every issue of a node with its field path', () => {
    const findings = findingsWith(
      'invalid_params',
      journey(
        [manual, { id: 'm', kind: 'send_email', params: { subject: '', body: 42 } }, exitNode],
        [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')],
      ),
    );
    expect(findings.map((f) => [f.nodeId, f.path])).toEqual([
      ['m', ['subject']],
      ['m', ['body']],
    ]);
    expect(findings[0]?.message).toBe('Send email: write a subject at subject');
  });

  it('reports a bad rule inside a condition with the path into the rule', () => {
    const findings = findingsWith(
      'invalid_params',
      journey(
        [
          manual,
          {
            id: 'c',
            kind: 'condition_rule',
            params: { rule: { kind: 'group', combinator: 'and', rules: [isOver, { kind: 'condition', field: 'customer.traits.ltv', operator: 'gt', value: 'lots' }] } },
          },
          exitNode,
        ],
        [edge('e1', 't', 'next', 'c'), edge('e2', 'c', 'yes', 'x'), edge('e3', 'c', 'no', 'x')],
      ),
    );
    expect(findings).toStrictEqual([
      { code: 'invalid_params', severity: 'error', nodeId: 'c', path: ['rule', 'rules', 1, 'value'], message: 'If / else: operator "gt" needs a number value at rule.rules.1.value' },
    ]);
  });
});

describe('split weights', () => {
  it('60 + 40 is fine; 60 + 30 + 20 is reported', () => {
    const split = (weights: number[]) =>
      journey(
        [manual, { id: 's', kind: 'split_random', params: { branches: weights.map((weight, i) => ({ key: `b${i}`, weight })) } }, exitNode],
        [edge('e0', 't', 'next', 's'), ...weights.map((_, i) => edge(`e${i + 1}`, 's', `b${i}`, 'x'))],
        { goal },
      );
    expect(validateJourney(split([60, 40])).findings).toEqual([]);
    expect(findingsWith('split_weights_invalid', split([60, 30, 20])).map((f) => f.message)).toEqual(['split weights add up to 110; make them add up to 100']);
  });
});

describe('cycles', () => {
  it('a loop through a Delay is fine', () => {
    const graph = journey(
      [manual, condition('a'), delay('d'), exitNode],
      [edge('e1', 't', 'next', 'a'), edge('e2', 'a', 'yes', 'd'), edge('e3', 'd', 'next', 'a'), edge('e4', 'a', 'no', 'x')],
      { goal },
    );
    expect(validateJourney(graph).findings).toEqual([]);
    expect(compile(graph).ok).toBe(true);
  });

  it('a loop through a wait-for-event is fine', () => {
    const graph = journey(
      [manual, { id: 'w', kind: 'wait_for_event', params: { event: 'Ping', timeout: { amount: 1, unit: 'days' } } }, exitNode],
      [edge('e1', 't', 'next', 'w'), edge('e2', 'w', 'received', 'w'), edge('e3', 'w', 'timed_out', 'x')],
      { goal },
    );
    expect(validateJourney(graph).findings).toEqual([]);
  });

  it('a node that loops to itself is reported', () => {
    expect(
      findingsWith(
        'cycle_without_wait',
        journey([manual, condition('c'), exitNode], [edge('e1', 't', 'next', 'c'), edge('e2', 'c', 'yes', 'c'), edge('e3', 'c', 'no', 'x')], { goal }),
      ),
    ).toStrictEqual([
      {
        code: 'cycle_without_wait',
        severity: 'error',
        nodeId: 'c',
        message: 'nodes "c" form a loop with no wait in it, which would run forever in one step; add a Delay or Wait node to the loop',
      },
    ]);
  });
});

describe('references', () => {
  it('journeys and segments are not checked without a workspace list', () => {
    expect(findingsWith('unknown_journey', cases.unknown_journey.graph)).toEqual([]);
    expect(findingsWith('unknown_segment', cases.unknown_segment.graph)).toEqual([]);
  });

  it('known journeys and segments pass', () => {
    expect(findingsWith('unknown_journey', cases.unknown_journey.graph, { journeys: ['missing-journey'] })).toEqual([]);
    expect(findingsWith('unknown_segment', cases.unknown_segment.graph, { segments: ['vip'] })).toEqual([]);
  });

  it('a workspace with its own stages checks against those, with the path to the stage', () => {
    const graph = journey(
      [manual, { id: 's', kind: 'switch_stage', params: { stages: ['lead', 'churned'] } }, exitNode],
      [edge('e1', 't', 'next', 's'), edge('e2', 's', 'lead', 'x'), edge('e3', 's', 'churned', 'x'), edge('e4', 's', 'default', 'x')],
      { goal },
    );
    expect(findingsWith('unknown_stage', graph, { stages: ['lead', 'customer'] })).toStrictEqual([
      { code: 'unknown_stage', severity: 'error', nodeId: 's', path: ['stages', 1], message: '"churned" is not a lifecycle stage; use one of lead, customer' },
    ]);
  });

  it('a script name is checked only against a known list of strategy scripts; none saved says so', () => {
    const graph = cases.unknown_script.graph;
    expect(findingsWith('unknown_script', graph, { scripts: ['complain'] })).toEqual([]);
    expect(findingsWith('unknown_script', graph)).toEqual([]);
    expect(findingsWith('unknown_script', graph, { scripts: [] }).map((f) => f.message)).toEqual([
      'no cluster of the contact strategy (nor its default) has a dialogue script "complain" (the contact strategy has no dialogue scripts yet), so its tasks get only the step\'s own lines; add the script under Contact strategy or pick another',
    ]);
  });

  it('stage trigger from/to are checked', () => {
    const graph = journey([{ id: 't', kind: 'trigger_stage_changed', params: { from: 'nowhere', to: 'win_back' } }, exitNode], [edge('e1', 't', 'next', 'x')], { goal });
    expect(findingsWith('unknown_stage', graph).map((f) => [f.nodeId, f.path])).toEqual([['t', ['from']]]);
  });

  it('every template field of a webhook is checked, with its path', () => {
    const graph = journey(
      [
        manual,
        {
          id: 'h',
          kind: 'send_webhook',
          params: { url: 'https://example.com/{{ secret.key }}', headers: { 'X-Token': '{{ env.TOKEN }}' }, body: '{{ customer.id | nope }}' },
        },
        exitNode,
      ],
      [edge('e1', 't', 'next', 'h'), edge('e2', 'h', 'next', 'x')],
      { goal },
    );
    const findings = validateJourney(graph).findings;
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ['unknown_template_variable', ['url']],
      ['unknown_template_variable', ['headers', 'X-Token']],
      ['invalid_template', ['body']],
    ]);
  });

  it.each([`{% include 'package.json' %}`, `{% render 'package.json' %}`, `{% layout 'package.json' %}x`, `{% include 'no-such-file.liquid' %}`])(
    'a template that loads files (%s) is an invalid_template',
    (body) => {
      const graph = journey([manual, email('m', 'Hi', body), exitNode], [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')], { goal });
      expect(validateJourney(graph).findings.map((f) => [f.code, f.nodeId, f.path])).toEqual([['invalid_template', 'm', ['body']]]);
    },
  );

  it('a good template passes', () => {
    const graph = journey(
      [manual, email('m', 'Hi {{ customer.traits.first_name | default: "there" }}', '{% for tag in customer.tags %}{{ tag }} {% endfor %}{{ run.id }}'), exitNode],
      [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')],
      { goal },
    );
    expect(validateJourney(graph).findings).toEqual([]);
  });
});

describe('message_without_wait', () => {
  const repeated = (settings: SettingsInput, between: NodeInput[] = []): JourneyGraphInput => {
    const chain = [onEvent, ...between, email('m'), exitNode];
    return journey(
      chain,
      chain.slice(0, -1).map((node, i) => {
        const next = chain[i + 1] as NodeInput;
        return edge(`e${i}`, node.id, node.kind === 'condition_rule' ? 'yes' : 'next', next.id);
      }).concat(between.some((n) => n.kind === 'condition_rule') ? [edge('eno', 'c', 'no', 'x')] : []),
      { goal, ...settings },
    );
  };
  const warned = (graph: JourneyGraphInput): string[] => findingsWith('message_without_wait', graph).map((f) => f.nodeId ?? '');

  it('is reported for "every time" without a cooldown and for "one at a time"', () => {
    expect(warned(repeated({ entry: { mode: 'every_time' } }))).toEqual(['m']);
    expect(warned(repeated({ entry: { mode: 'one_at_a_time' } }))).toEqual(['m']);
  });

  it('is reported through a condition', () => {
    expect(warned(repeated({ entry: { mode: 'every_time' } }, [condition('c')]))).toEqual(['m']);
  });

  it('is not reported with entry "once" (the default)', () => {
    expect(warned(repeated({ entry: { mode: 'once' } }))).toEqual([]);
    expect(warned(repeated({}))).toEqual([]);
  });

  it('is not reported with a cooldown', () => {
    expect(warned(repeated({ entry: { mode: 'every_time', cooldown: { amount: 7, unit: 'days' } } }))).toEqual([]);
  });

  it('is not reported with a wait in between', () => {
    expect(warned(repeated({ entry: { mode: 'every_time' } }, [delay('d')]))).toEqual([]);
  });

  it('is not reported for a trigger that cannot repeat (a one-off date)', () => {
    const graph = journey(
      [{ id: 't', kind: 'trigger_date', params: { trait: 'renewal_date', direction: 'before', offset: { amount: 30, unit: 'days' } } }, email('m'), exitNode],
      [edge('e1', 't', 'next', 'm'), edge('e2', 'm', 'next', 'x')],
      { goal, entry: { mode: 'every_time' } },
    );
    expect(warned(graph)).toEqual([]);
  });

  it('is not reported for actions that do not message the customer', () => {
    const graph = journey(
      [onEvent, { id: 'tag', kind: 'add_tag', params: { tag: 'buyer' } }, exitNode],
      [edge('e1', 't', 'next', 'tag'), edge('e2', 'tag', 'next', 'x')],
      { goal, entry: { mode: 'every_time' } },
    );
    expect(warned(graph)).toEqual([]);
  });
});

describe('no_goal', () => {
  it('is not reported with a goal setting or a Goal reached node', () => {
    expect(findingsWith('no_goal', journey([manual, exitNode], [edge('e1', 't', 'next', 'x')], { goal }))).toEqual([]);
    expect(findingsWith('no_goal', journey([manual, { id: 'g', kind: 'goal_reached', params: {} }], [edge('e1', 't', 'next', 'g')]))).toEqual([]);
  });
});

describe('a clean journey', () => {
  it('has no findings, and every valid node is in `checked` with its outcomes', () => {
    const graph = journey(
      [onEvent, condition('c'), delay('d'), email('m'), exitNode],
      [edge('e1', 't', 'next', 'c'), edge('e2', 'c', 'yes', 'd'), edge('e3', 'c', 'no', 'x'), edge('e4', 'd', 'next', 'm'), edge('e5', 'm', 'next', 'x')],
      { goal, entry: { mode: 'every_time', cooldown: { amount: 1, unit: 'days' } } },
    );
    const validation = validateJourney(graph);
    expect(validation.findings).toEqual([]);
    expect(errorsOf(validation.findings)).toEqual([]);
    expect(warningsOf(validation.findings)).toEqual([]);
    expect([...validation.checked.entries()].map(([id, c]) => [id, c.outcomes])).toEqual([
      ['t', ['next']],
      ['c', ['yes', 'no']],
      ['d', ['next']],
      ['m', ['next']],
      ['x', []],
    ]);
  });
});
