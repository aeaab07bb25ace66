import { useEffect, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { sessionStore } from './api/session.js';
import { JourneyEditor } from './screens/JourneyEditor.js';
import { JourneyList } from './screens/JourneyList.js';
import { SignIn } from './screens/SignIn.js';
import { AuditScreen } from './settings/AuditScreen.js';
import { ClustersScreen } from './settings/ClustersScreen.js';
import { ContactStrategyScreen } from './settings/ContactStrategyScreen.js';
import { CustomersScreen } from './settings/CustomersScreen.js';
import { KeysScreen } from './settings/KeysScreen.js';
import { NotFoundScreen } from './settings/NotFoundScreen.js';
import { parseRoute, routeHash, routeTitle, type Route } from './settings/routes.js';
import { SegmentsScreen } from './settings/SegmentsScreen.js';
import { Shell } from './settings/Shell.js';
import { SourcesScreen } from './settings/SourcesScreen.js';
import { StagesScreen } from './settings/StagesScreen.js';

/** Routes in the hash (settings/routes.ts): `#/` the journeys, `#/journeys/<id>` the editor, `#/stages`, `#/segments/<id>`, `#/sources/<id>`, … */
const useRoute = (): [Route, (route: Route) => void] => {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [route, (next) => (window.location.hash = routeHash(next))];
};

const ShellScreen = ({ route, go }: { route: Exclude<Route, { screen: 'journey' }>; go: (route: Route) => void }): ReactElement => {
  switch (route.screen) {
    case 'journeys':
      return <JourneyList onOpen={(id) => go({ screen: 'journey', id })} />;
    case 'customers':
      return <CustomersScreen key={route.id ?? ''} customerId={route.id} onLookup={(id) => go({ screen: 'customers', id })} />;
    case 'stages':
      return <StagesScreen />;
    case 'clusters':
      return <ClustersScreen />;
    case 'segments':
      return <SegmentsScreen segmentId={route.id} onOpen={(id) => go({ screen: 'segments', id })} />;
    case 'contact-strategy':
      return <ContactStrategyScreen />;
    case 'sources':
      return <SourcesScreen sourceId={route.id} onOpen={(id) => go({ screen: 'sources', id })} />;
    case 'keys':
      return <KeysScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'not_found':
      return <NotFoundScreen hash={route.hash} />;
  }
};

export const App = (): ReactElement => {
  const key = useStore(sessionStore, (s) => s.key);
  const [route, go] = useRoute();
  useEffect(() => {
    document.title = `${routeTitle(route)} — Rapport`;
  }, [route]);
  if (!key) return <SignIn />;
  if (route.screen === 'journey') return <JourneyEditor key={route.id} journeyId={route.id} onBack={() => go({ screen: 'journeys' })} />;
  return (
    <Shell route={route}>
      <ShellScreen route={route} go={go} />
    </Shell>
  );
};
