import { defaultLifecycleStages } from '../../../workflows/index.js';

export const stageOptions = defaultLifecycleStages.map((s) => ({ value: s.id, label: s.label }));
export const ruleHelp = 'Leave empty to match every event. Fields: customer traits, stage, cluster, tags, event and trigger properties.';
