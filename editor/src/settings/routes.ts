/**
 * The editor's hash routes. Pure: `parseRoute` and `routeHash` are inverse (unit-tested).
 * `#/` journeys list, `#/journeys/<id>` the journey editor (full screen); every other screen sits
 * in the navigation shell. `#/segments/<id>` is a saved segment (a new one is made on `#/segments`).
 * Any other hash is `not_found` (a page that says so), never silently another screen.
 */
export const shellScreens = ['journeys', 'customers', 'stages', 'clusters', 'segments', 'contact-strategy', 'sources', 'keys', 'audit'] as const;
export type ShellScreen = (typeof shellScreens)[number];

export type Route =
  | { screen: 'journey'; id: string }
  | { screen: 'customers'; id: string | null }
  | { screen: 'segments'; id: string | null }
  | { screen: 'sources'; id: string | null }
  | { screen: Exclude<ShellScreen, 'customers' | 'segments' | 'sources'> }
  /** A hash no screen answers to (a mistyped or outdated link), kept as it was. */
  | { screen: 'not_found'; hash: string };

export const parseRoute = (hash: string): Route => {
  const [first = '', second, ...rest] = hash.replace(/^#?\/?/, '').split(/[?#]/)[0]!.split('/');
  const id = second ? safeDecode(second) : null;
  const notFound: Route = { screen: 'not_found', hash: hash.startsWith('#') ? hash : `#${hash}` };
  if (rest.some((part) => part !== '')) return notFound;
  if (first === '') return id ? notFound : { screen: 'journeys' };
  if (first === 'journeys') return id ? { screen: 'journey', id } : { screen: 'journeys' };
  if (first === 'customers' || first === 'segments' || first === 'sources') return { screen: first, id };
  // The screens with an item (journeys, customers, segments, sources) were answered above.
  const screen = shellScreens.find((s) => s === first);
  return screen && !id ? screenRoute(screen) : notFound;
};

export const routeHash = (route: Route): string => {
  switch (route.screen) {
    case 'journeys':
      return '#/';
    case 'journey':
      return `#/journeys/${encodeURIComponent(route.id)}`;
    case 'customers':
    case 'segments':
    case 'sources':
      return route.id ? `#/${route.screen}/${encodeURIComponent(route.id)}` : `#/${route.screen}`;
    case 'not_found':
      return route.hash;
    default:
      return `#/${route.screen}`;
  }
};

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

export const screenTitles: Record<ShellScreen, string> = {
  journeys: 'Journeys',
  customers: 'Customers',
  stages: 'Lifecycle stages',
  clusters: 'Value clusters',
  segments: 'Segments',
  'contact-strategy': 'Contact strategy',
  sources: 'Webhook sources',
  keys: 'API keys',
  audit: 'Audit log',
};

/** The page title for a route. */
export const routeTitle = (route: Route): string => (route.screen === 'journey' ? route.id : route.screen === 'not_found' ? 'Page not found' : screenTitles[route.screen]);

/** The route of a screen's landing page (no item open). */
export const screenRoute = (screen: ShellScreen): Route => {
  switch (screen) {
    case 'customers':
    case 'segments':
    case 'sources':
      return { screen, id: null };
    default:
      return { screen };
  }
};
