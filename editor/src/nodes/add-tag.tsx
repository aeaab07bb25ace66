import { defineNodeUi } from './BaseNode.js';

export const addTagNode = defineNodeUi('add_tag', 'tag', [{ widget: 'text', path: ['tag'], label: 'Tag', placeholder: 'vip' }]);
