import { defineNodeUi } from './BaseNode.js';

export const removeTagNode = defineNodeUi('remove_tag', 'tagOff', [{ widget: 'text', path: ['tag'], label: 'Tag', placeholder: 'trial' }]);
