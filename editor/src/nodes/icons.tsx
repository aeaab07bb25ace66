import type { ReactElement } from 'react';

/** Simple line icons drawn inline (no icon font, no CDN). 20×20 viewBox, currentColor. */
const paths = {
  bolt: 'M11 2 4 11h5l-1 7 7-9h-5l1-7z',
  user: 'M10 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm-6 8c0-3.3 2.7-5 6-5s6 1.7 6 5',
  stairs: 'M3 17h4v-4h4V9h4V5h2',
  users: 'M7 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-5 8c0-2.8 2.2-4.5 5-4.5s5 1.7 5 4.5M13.5 3.3a3 3 0 0 1 0 5.4M14.5 12.6c2 .4 3.5 2 3.5 4.4',
  calendar: 'M3 5h14v12H3zM3 9h14M7 3v4M13 3v4',
  webhook: 'M7 13a3 3 0 1 1 2.6-4.5L12 4M13 13h4M10 16a3 3 0 1 1 3-3',
  hand: 'M7 10V4.5a1.5 1.5 0 0 1 3 0V9m0-1V3.5a1.5 1.5 0 0 1 3 0V9m0-1.5a1.5 1.5 0 0 1 3 0V12a6 6 0 0 1-6 6h-1a5 5 0 0 1-4-2l-2.5-3.5a1.5 1.5 0 0 1 2.4-1.8L7 12',
  branch: 'M5 3v14M5 8c0 3 10 2 10 6v3M5 8c0-2 5-2 10-2',
  star: 'm10 2.5 2.3 4.8 5.2.7-3.8 3.6.9 5.2L10 14.3l-4.6 2.5.9-5.2L2.5 8l5.2-.7z',
  layers: 'm10 3 7 4-7 4-7-4zm-7 7 7 4 7-4m-14 3 7 4 7-4',
  split: 'M3 10h5l4-5h5M8 10l4 5h5',
  history: 'M3 10a7 7 0 1 0 2-5M3 3v4h4M10 6v4l3 2',
  clock: 'M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm0-11v4l3 2',
  sun: 'M10 14a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM10 1v2M10 17v2M1 10h2M17 10h2',
  inbox: 'M3 11h4l1 2h4l1-2h4M3 11l2-7h10l2 7v5H3z',
  mail: 'M3 5h14v10H3zM3 5l7 6 7-6',
  message: 'M3 4h14v9H8l-4 3v-3H3z',
  send: 'M17 3 9 11M17 3l-5 14-3-6-6-3z',
  edit: 'M13 3l4 4-9 9H4v-4zM11 5l4 4',
  flag: 'M4 18V3h10l-2 4 2 4H4',
  tag: 'M3 3h7l7 7-7 7-7-7zM7 7h.01',
  tagOff: 'M3 3h7l7 7-7 7-7-7zM6 14 14 6',
  task: 'M4 4h12v13H4zM7 9l2 2 4-4M7 14h6',
  bell: 'M10 17a2 2 0 0 0 2-2H8a2 2 0 0 0 2 2zM5 13V9a5 5 0 0 1 10 0v4l1.5 2h-13z',
  gift: 'M3 8h14v3H3zM4 11h12v6H4zM10 8v9M10 8c-2-4-5-3-4-1s4 1 4 1zm0 0c2-4 5-3 4-1s-4 1-4 1z',
  route: 'M5 17a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM15 7a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM5 13V9a3 3 0 0 1 3-3h5',
  target: 'M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm0-4a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  trophy: 'M6 3h8v4a4 4 0 0 1-8 0zM6 5H3c0 3 1.5 4 3 4M14 5h3c0 3-1.5 4-3 4M10 11v3M7 17h6',
  exit: 'M8 3H4v14h4M13 6l4 4-4 4M17 10H8',
  plus: 'M10 4v12M4 10h12',
  undo: 'M7 5 3 9l4 4M3 9h9a5 5 0 0 1 0 10h-2',
  redo: 'M13 5l4 4-4 4M17 9H8a5 5 0 0 0 0 10h2',
  layout: 'M3 3h5v5H3zM12 12h5v5h-5zM12 3h5v5h-5zM8 5.5h4M14.5 8v4',
  fit: 'M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4',
  keyboard: 'M2 5h16v10H2zM5 8h.01M8 8h.01M11 8h.01M14 8h.01M6 12h8',
  close: 'M5 5l10 10M15 5 5 15',
  trash: 'M4 6h12M8 6V4h4v2M6 6l1 11h6l1-11',
  copy: 'M7 7h10v10H7zM3 13V3h10',
  download: 'M10 3v10M6 9l4 4 4-4M3 17h14',
  upload: 'M10 13V3M6 7l4-4 4 4M3 17h14',
  play: 'M6 4l10 6-10 6z',
  pulse: 'M2 10h4l2-5 4 10 2-5h4',
  versions: 'M10 3v4M10 13v4M10 7a3 3 0 1 1 0 6 3 3 0 0 1 0-6z',
  settings: 'M10 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM10 2v2M10 16v2M2 10h2M16 10h2M4.3 4.3l1.4 1.4M14.3 14.3l1.4 1.4M4.3 15.7l1.4-1.4M14.3 5.7l1.4-1.4',
  warning: 'M10 3 2 17h16zM10 8v4M10 14.5h.01',
  error: 'M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM10 6v5M10 13.5h.01',
  check: 'M4 10l4 4 8-8',
  back: 'M12 4 6 10l6 6',
  search: 'M9 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM13.5 13.5 17 17',
  chevron: 'M7 5l5 5-5 5',
  logout: 'M8 3H4v14h4M12 6l4 4-4 4M16 10H8',
  key: 'M7 15a4 4 0 1 1 3.5-6H18v3h-2v2h-3v-2h-2.5A4 4 0 0 1 7 15zM6 11h.01',
  refresh: 'M16 4v4h-4M4 16v-4h4M15.5 8A6 6 0 0 0 4.6 7M4.5 12a6 6 0 0 0 10.9 1',
  arrowUp: 'M10 16V4M5 9l5-5 5 5',
  arrowDown: 'M10 4v12M5 11l5 5 5-5',
} as const;

export type IconName = keyof typeof paths;

export const Icon = ({ name, size = 18, title }: { name: IconName; size?: number; title?: string }): ReactElement => (
  <svg width={size} height={size} viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden={title ? undefined : true} role={title ? 'img' : undefined}>
    {title ? <title>{title}</title> : null}
    <path d={paths[name]} />
  </svg>
);
