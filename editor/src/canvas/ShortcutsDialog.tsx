import type { ReactElement } from 'react';
import { Dialog } from '../ui/Dialog.js';

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const modKey = mac ? '⌘' : 'Ctrl';

export const shortcuts: [string, string][] = [
  [`${modKey} Z`, 'Undo'],
  [`${modKey} Shift Z  ·  ${modKey} Y`, 'Redo'],
  [`${modKey} C`, 'Copy the selected steps'],
  [`${modKey} V`, 'Paste them (with new ids)'],
  [`${modKey} A`, 'Select every step'],
  ['Delete  ·  Backspace', 'Delete the selection (steps with their connections)'],
  [`${modKey} / Shift + click`, 'Add to the selection'],
  ['Shift + drag', 'Select an area'],
  ['Arrow keys', 'Move the selected step (after Tab to it)'],
  ['Enter on a palette step', 'Add it in the middle of the view'],
  ['Esc', 'Clear the selection / close a dialog'],
  ['?', 'This help'],
];

export const ShortcutsDialog = ({ onClose }: { onClose: () => void }): ReactElement => (
  <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
    <table className="shortcuts">
      <tbody>
        {shortcuts.map(([keys, what]) => (
          <tr key={keys}>
            <td>
              <kbd>{keys}</kbd>
            </td>
            <td>{what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </Dialog>
);
