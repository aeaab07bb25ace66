import type { ComponentType } from 'react';
import type { Node, NodeProps } from '@xyflow/react';
import type { JourneyNode, NodeCategory, NodeKind } from '../../../workflows/index.js';
import type { FieldSpec } from '../forms/spec.js';
import type { IconName } from './icons.js';

/** A journey node as React Flow holds it: the node itself is the data (kept by identity). */
export type FlowNode = Node<{ node: JourneyNode }, NodeKind>;

/** Everything the editor needs for one node kind: its canvas component, icon and settings form. */
export interface NodeUi {
  kind: NodeKind;
  icon: IconName;
  form: readonly FieldSpec[];
  component: ComponentType<NodeProps<FlowNode>>;
}

export const categoryLabels: Record<NodeCategory, string> = {
  trigger: 'Triggers',
  condition: 'Conditions',
  wait: 'Waits',
  action: 'Actions',
  flow: 'Flow',
};
