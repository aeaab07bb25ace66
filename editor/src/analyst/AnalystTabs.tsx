import type { ReactElement } from 'react';
import { Icon, type IconName } from '../nodes/icons.js';
import type { EditorMode } from '../store/editor-store.js';

export type AnalystMode = Extract<EditorMode, 'runs' | 'report' | 'whatif'>;
export const isAnalystMode = (mode: EditorMode): mode is AnalystMode => mode === 'runs' || mode === 'report' || mode === 'whatif';

const tabs: readonly [AnalystMode, string, IconName, string][] = [
  ['runs', 'Runs', 'history', 'runs-tab'],
  ['report', 'Report', 'trophy', 'report-tab'],
  ['whatif', 'What-if', 'split', 'whatif-tab'],
];

/** The analyst tabs, appended to the journey header's mode tabs. */
export const AnalystTabs = ({ mode, onSwitch }: { mode: EditorMode; onSwitch: (mode: AnalystMode) => void }): ReactElement => (
  <>
    <span className="mode-sep" aria-hidden />
    {tabs.map(([value, label, icon, testId]) => (
      <button key={value} type="button" role="tab" aria-selected={mode === value} className={mode === value ? 'is-on' : ''} onClick={() => onSwitch(value)} data-testid={testId}>
        <Icon name={icon} size={14} /> {label}
      </button>
    ))}
  </>
);
