import type { ClusterDefinition, Measure } from '../../../workflows/clusters.js';
import type { ValueCluster } from '../../../workflows/index.js';

/** The value-cluster form: defaults, switching a measure's type, and readable sentences. Pure. */

export type MeasureType = Measure['type'];
export const measureTypes: { type: MeasureType; label: string }[] = [
  { type: 'event_sum', label: 'Sum of an event property' },
  { type: 'event_count', label: 'Number of events' },
  { type: 'trait', label: 'A number trait' },
  { type: 'formula', label: 'Formula of measures' },
];

export const formulaOps: { op: Extract<Measure, { type: 'formula' }>['op']; label: string }[] = [
  { op: 'add', label: 'Sum of' },
  { op: 'multiply', label: 'Product of' },
  { op: 'max', label: 'Largest of' },
  { op: 'min', label: 'Smallest of' },
];

export const defaultDefinition = (): ClusterDefinition => ({
  contribution: { type: 'event_sum', event: 'Order Completed', property: 'revenue', withinDays: 365 },
  lifetimeValue: { type: 'trait', trait: 'lifetime_value' },
  thresholds: { contribution: 500, lifetimeValue: 2000 },
});

/** The measure after switching to `type`, keeping what carries over (event name, window). */
export const withType = (measure: Measure, type: MeasureType): Measure => {
  if (measure.type === type) return measure;
  const event = measure.type === 'event_sum' || measure.type === 'event_count' ? measure.event : 'Order Completed';
  const withinDays = measure.type === 'event_sum' || measure.type === 'event_count' ? measure.withinDays : 365;
  switch (type) {
    case 'trait':
      return { type, trait: 'lifetime_value' };
    case 'event_sum':
      return { type, event, property: 'revenue', withinDays };
    case 'event_count':
      return { type, event, withinDays };
    case 'formula':
      return { type, op: 'add', of: [measure] };
  }
};

const opWords: Record<Extract<Measure, { type: 'formula' }>['op'], string> = { add: 'sum', multiply: 'product', max: 'largest', min: 'smallest' };

/** "sum of revenue of “Order Completed” in the last 365 days". */
export const describeMeasure = (measure: Measure): string => {
  switch (measure.type) {
    case 'trait':
      return `trait ${measure.trait}`;
    case 'event_sum':
      return `sum of ${measure.property} of “${measure.event}” in the last ${measure.withinDays} days`;
    case 'event_count':
      return `number of “${measure.event}” in the last ${measure.withinDays} days`;
    case 'formula': {
      const text = `${opWords[measure.op]} of (${measure.of.map(describeMeasure).join('; ')})`;
      return measure.factor === undefined || measure.factor === 1 ? text : `${measure.factor} × ${text}`;
    }
  }
};

/** Where each cluster sits on the grid (contribution across, lifetime value up), with its meaning. */
export const clusterCells: { cluster: ValueCluster; label: string; meaning: string }[] = [
  { cluster: 'question_mark', label: 'Question mark', meaning: 'low contribution, high lifetime value' },
  { cluster: 'star', label: 'Star', meaning: 'high contribution, high lifetime value' },
  { cluster: 'dog', label: 'Dog', meaning: 'low contribution, low lifetime value' },
  { cluster: 'cash_cow', label: 'Cash cow', meaning: 'high contribution, low lifetime value' },
];

export const clusterLabels: Record<ValueCluster, string> = { star: 'Star', question_mark: 'Question mark', cash_cow: 'Cash cow', dog: 'Dog' };

export const sameDefinition = (a: ClusterDefinition | null, b: ClusterDefinition | null): boolean => JSON.stringify(a) === JSON.stringify(b);
