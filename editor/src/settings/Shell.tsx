import type { ReactElement, ReactNode } from 'react';
import { clearKey } from '../api/session.js';
import { Icon, type IconName } from '../nodes/icons.js';
import { routeHash, screenRoute, screenTitles, type Route, type ShellScreen } from './routes.js';
import './settings.css';

/**
 * The navigation shell around every screen but the journey editor (which stays full screen): a
 * side nav with the product's areas, and the screen on the right. Links are plain hash anchors,
 * so they are keyboard reachable and open in a new tab.
 */
interface NavItem {
  screen: ShellScreen;
  icon: IconName;
  label?: string;
}

const sections: { title: string | null; items: NavItem[] }[] = [
  {
    title: null,
    items: [
      { screen: 'journeys', icon: 'route' },
      { screen: 'customers', icon: 'users' },
    ],
  },
  {
    title: 'CRM',
    items: [
      { screen: 'stages', icon: 'stairs', label: 'Stages' },
      { screen: 'clusters', icon: 'layers', label: 'Clusters' },
      { screen: 'segments', icon: 'target', label: 'Segments' },
      { screen: 'contact-strategy', icon: 'message' },
    ],
  },
  {
    title: 'Integrations',
    items: [
      { screen: 'sources', icon: 'webhook', label: 'Sources' },
      { screen: 'keys', icon: 'key' },
      { screen: 'audit', icon: 'history' },
    ],
  },
];

const activeScreen = (route: Route): ShellScreen | null => (route.screen === 'journey' ? 'journeys' : route.screen === 'not_found' ? null : route.screen);

export const Shell = ({ route, children }: { route: Route; children: ReactNode }): ReactElement => {
  const active = activeScreen(route);
  return (
    <div className="shell">
      <nav className="shell-nav" aria-label="Main">
        <a className="brand shell-brand" href="#/">
          <span className="brand-mark">R</span> Rapport
        </a>
        {sections.map((section) => (
          <div className="nav-section" key={section.title ?? 'main'}>
            {section.title ? <div className="nav-section-title">{section.title}</div> : null}
            <ul>
              {section.items.map((item) => (
                <li key={item.screen}>
                  <a
                    href={routeHash(screenRoute(item.screen))}
                    className={`nav-link ${active === item.screen ? 'is-on' : ''}`}
                    aria-current={active === item.screen ? 'page' : undefined}
                    data-testid={`nav-${item.screen}`}
                  >
                    <Icon name={item.icon} size={16} /> {item.label ?? screenTitles[item.screen]}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <div className="nav-foot">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => clearKey()} data-testid="sign-out">
            <Icon name="logout" size={14} /> Sign out
          </button>
        </div>
      </nav>
      <main className="shell-main">{children}</main>
    </div>
  );
};
