import { useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { sessionStore } from './api/session.js';
import { JourneyEditor } from './screens/JourneyEditor.js';
import { JourneyList } from './screens/JourneyList.js';
import { SignIn } from './screens/SignIn.js';

/** Routes in the hash: `#/` is the list, `#/journeys/<id>` the editor. */
type Route = { screen: 'list' } | { screen: 'journey'; id: string };

const parse = (hash: string): Route => {
  const match = /^#\/journeys\/([^/?#]+)/.exec(hash);
  return match?.[1] ? { screen: 'journey', id: decodeURIComponent(match[1]) } : { screen: 'list' };
};

const useRoute = (): [Route, (route: Route) => void] => {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [route, (next) => (window.location.hash = next.screen === 'list' ? '#/' : `#/journeys/${encodeURIComponent(next.id)}`)];
};

export const App = (): ReactElement => {
  const key = useStore(sessionStore, (s) => s.key);
  const [route, go] = useRoute();
  useEffect(() => {
    document.title = route.screen === 'list' ? 'Journeys — Rapport' : `${route.id} — Rapport`;
  }, [route]);
  if (!key) return <SignIn />;
  if (route.screen === 'journey') return <JourneyEditor key={route.id} journeyId={route.id} onBack={() => go({ screen: 'list' })} />;
  return <JourneyList onOpen={(id) => go({ screen: 'journey', id })} />;
};
