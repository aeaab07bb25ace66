import { defineNodeUi } from './BaseNode.js';

export const waitDelayNode = defineNodeUi('wait_delay', 'clock', [{ widget: 'duration', path: ['duration'], label: 'Wait for' }]);
