import { defineNodeUi } from './BaseNode.js';

export const enrolJourneyNode = defineNodeUi('enrol_journey', 'route', [
  { widget: 'journey', path: ['journeyId'], label: 'Journey', help: 'Starts that journey’s “Manual / API enrolment” trigger.' },
]);
