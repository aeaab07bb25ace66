import type { JourneyGraphInput } from '../graph.js';
import { complaintHandlingJourney } from './complaint-handling.js';
import { expansionJourney } from './expansion.js';
import { reactivationJourney } from './reactivation.js';
import { satisfactionSurveyJourney } from './satisfaction-survey.js';
import { welcomeJourney } from './welcome.js';
import { winBackJourney } from './win-back.js';

export { complaintHandlingJourney, expansionJourney, reactivationJourney, satisfactionSurveyJourney, welcomeJourney, winBackJourney };

/** The example journeys, in lifecycle order (attract → retain → expand → reactivate → win back). */
export const exampleJourneys: readonly JourneyGraphInput[] = [
  welcomeJourney,
  satisfactionSurveyJourney,
  complaintHandlingJourney,
  expansionJourney,
  reactivationJourney,
  winBackJourney,
];
