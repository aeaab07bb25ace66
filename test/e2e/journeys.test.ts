/**
 * End-to-end tests of the journeys list and of editing on the canvas, in Chromium (see browser.ts):
 * duplicate, rename, export, import (including a file whose journey exists) and archive; copy and
 * paste, delete, undo/redo and the keyboard shortcuts; the version history with its readable diff
 * and "restore as draft". On the example journeys.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { adminApi, dbKind, expectConsoleErrors, fit, haveChromium, settle, shot, signIn, until } from './support/browser.js';
import { browserSession } from './support/suite.js';

interface JourneyBody {
  id: string;
  name: string;
  status: string;
  liveVersion: number | null;
  draft: { nodes: { id: string; params: Record<string, unknown> }[]; edges: { id: string; source: string; target: string }[] };
}

describe.skipIf(!haveChromium)(`journeys list and canvas editing in Chromium (${dbKind})`, { timeout: 120_000 }, () => {
  const session = browserSession(true, { downloads: true });
  let copyId = '';
  const page = () => session().page;
  const rows = () => page().locator('[data-testid^=journey-row-]');
  const nodeCount = () => page().locator('.react-flow__node').count();
  const edgeCount = () => page().locator('.react-flow__edge').count();
  const select = async (id: string, modifiers: ('Shift' | 'Control')[] = []) => {
    await page().getByTestId(`node-${id}`).locator('.node-head').click({ modifiers });
  };
  /** Opens a journey from the list and waits for its canvas and first validation. */
  const openJourney = async (id: string) => {
    if ((await page().getByTestId('back-to-list').count()) > 0) await page().getByTestId('back-to-list').click();
    await page().getByTestId(`open-${id}`).click();
    await page().locator('.react-flow__node').first().waitFor();
    await page().getByTestId('findings-list').waitFor();
    await fit(page());
  };


  it('duplicates, renames, exports, imports and archives journeys from the list', async () => {
    const p = page();
    await signIn(p, session().server.url);
    await until('six example journeys', async () => (await rows().count()) === 6);

    // Duplicate: a draft copy of the live journey, with the same steps.
    await p.getByTestId('duplicate-win-back-inactive').click();
    await p.getByTestId('list-message').getByText('Duplicated as “Win back inactive customers (copy)”.').waitFor();
    const copyRow = rows().filter({ hasText: 'Win back inactive customers (copy)' });
    await copyRow.waitFor();
    copyId = ((await copyRow.getAttribute('data-testid')) ?? '').replace('journey-row-', '');
    expect(copyId).not.toBe('win-back-inactive');
    expect(await copyRow.getByTestId('status-badge').innerText()).toMatch(/draft/i);
    const copy = await adminApi<JourneyBody>(session(), `/v1/journeys/${copyId}`);
    const original = await adminApi<JourneyBody>(session(), '/v1/journeys/win-back-inactive');
    expect(copy.draft.nodes.map((n) => n.id)).toStrictEqual(original.draft.nodes.map((n) => n.id));

    // Rename.
    await p.getByTestId(`rename-${copyId}`).click();
    await p.getByTestId('name-dialog').waitFor();
    expect(await p.getByTestId('name-input').inputValue()).toBe('Win back inactive customers (copy)');
    await p.getByTestId('name-input').fill('Win back — spring test');
    await p.getByTestId('name-submit').click();
    await p.getByTestId(`open-${copyId}`).getByText('Win back — spring test').waitFor();
    expect((await adminApi<JourneyBody>(session(), `/v1/journeys/${copyId}`)).name).toBe('Win back — spring test');

    // Export: a JSON download of the journey document.
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId(`export-${copyId}`).click()]);
    expect(download.suggestedFilename()).toBe(`${copyId}.journey.json`);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; journey: { id: string; name: string; nodes: unknown[] } };
    expect(exported.journey).toMatchObject({ id: copyId, name: 'Win back — spring test' });
    expect(exported.journey.nodes).toHaveLength(10);

    // Import the same file: its id exists, so the editor asks — as a new journey…
    const file = (name: string, document: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(document)) });
    await p.getByTestId('import-file').setInputFiles(file('spring.journey.json', exported));
    await p.getByTestId('import-conflict').waitFor();
    await expectConsoleErrors(session(), (e) => e.includes('409'), 'the 409 of the taken id');
    await shot(p, '11-import-conflict');
    await p.getByTestId('import-copy').click();
    await p.getByTestId('list-message').getByText(/Imported “Win back — spring test” as /).waitFor();
    await until('seven plus one journeys', async () => (await rows().count()) === 8);
    const importedId = /as ([a-z0-9-]+)\./.exec(await p.getByTestId('list-message').innerText())?.[1] ?? '';
    expect(importedId).not.toBe(copyId);
    expect((await adminApi<JourneyBody>(session(), `/v1/journeys/${importedId}`)).draft.nodes).toHaveLength(10);

    // …or replacing the existing journey's draft.
    await p.getByTestId('import-file').setInputFiles(file('spring.journey.json', { ...exported, journey: { ...exported.journey, name: 'Replaced by import' } }));
    await p.getByTestId('import-conflict').waitFor();
    await expectConsoleErrors(session(), (e) => e.includes('409'), 'the 409 of the taken id');
    await p.getByTestId('import-replace').click();
    await p.getByTestId('list-message').getByText(/Replaced the draft of “Replaced by import”/).waitFor();
    await p.getByTestId(`open-${copyId}`).getByText('Replaced by import').waitFor();
    expect(await rows().count()).toBe(8);

    // A file that is not JSON says so.
    await p.getByTestId('import-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not json') });
    await p.getByTestId('list-message').getByText('Failed: notes.txt is not a JSON file').waitFor();

    // Archive the imported one (after a confirmation): it stays listed, read only.
    await p.getByTestId(`archive-${importedId}`).click();
    await p.getByTestId('archive-dialog').waitFor();
    await p.getByTestId('archive-confirm').click();
    await p.getByTestId(`journey-row-${importedId}`).getByTestId('status-badge').getByText(/archived/i).waitFor();
    expect(await p.getByTestId(`rename-${importedId}`).isDisabled()).toBe(true);
    expect(await p.getByTestId(`archive-${importedId}`).isDisabled()).toBe(true);
    expect((await adminApi<JourneyBody>(session(), `/v1/journeys/${importedId}`)).status).toBe('archived');
    await shot(p, '12-list-after-actions');
  });

  it('copies and pastes, deletes, undoes and redoes with the keyboard and the toolbar', async () => {
    const p = page();
    await openJourney(copyId);
    expect(await nodeCount()).toBe(10);
    const edges = await edgeCount();

    // ? opens the shortcuts, Esc closes them.
    await p.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await p.keyboard.press('?');
    await p.getByTestId('shortcuts-dialog').getByText('Copy the selected steps').waitFor();
    await p.keyboard.press('Escape');
    await p.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });

    // Ctrl+C / Ctrl+V: a copy of the step with a new id, selected.
    await select('farewell-mail');
    await p.getByTestId('node-settings').locator('code', { hasText: 'farewell-mail' }).waitFor();
    await p.keyboard.press('Control+c');
    await p.getByTestId('canvas-notice').getByText('Copied 1 step.').waitFor();
    await p.keyboard.press('Control+v');
    await until('the pasted step', async () => (await nodeCount()) === 11);
    const pastedId = (await p.getByTestId('node-settings').locator('.panel-footer code').innerText()).trim();
    expect(pastedId).not.toBe('farewell-mail');
    await p.getByTestId(`node-${pastedId}`).waitFor();
    expect(await p.getByTestId(`node-${pastedId}`).innerText()).toContain('Graceful goodbye');

    // Undo / redo: keyboard and toolbar.
    await p.keyboard.press('Control+z');
    await until('undo', async () => (await nodeCount()) === 10);
    await p.keyboard.press('Control+Shift+z');
    await until('redo', async () => (await nodeCount()) === 11);
    await p.getByTestId('undo').click();
    await until('toolbar undo', async () => (await nodeCount()) === 10);
    await p.getByTestId('redo').click();
    await until('toolbar redo', async () => (await nodeCount()) === 11);
    await p.keyboard.press('Control+z');
    await p.keyboard.press('Control+y');
    await until('Ctrl+Y redo', async () => (await nodeCount()) === 11);

    // Delete removes the selected step; undo brings it back.
    await select(pastedId);
    await p.keyboard.press('Delete');
    await until('the step deleted', async () => (await nodeCount()) === 10);
    await p.keyboard.press('Control+z');
    await until('the step back', async () => (await nodeCount()) === 11);
    await select(pastedId);
    await p.getByTestId('delete-node').click();
    await until('the step deleted from its panel', async () => (await nodeCount()) === 10);

    // Two connected steps copied together keep the connection between them, not the others.
    await select('farewell-mail');
    await select('phased-out-stage', ['Shift']);
    await p.getByText('2 steps selected').waitFor();
    await p.keyboard.press('Control+c');
    await p.keyboard.press('Control+v');
    await until('two pasted steps', async () => (await nodeCount()) === 12);
    await until('one pasted connection', async () => (await edgeCount()) === edges + 1);

    // Ctrl+A selects everything; Esc clears the selection.
    await p.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await p.keyboard.press('Control+a');
    await p.getByText('12 steps selected').waitFor();
    await p.keyboard.press('Escape');
    await p.getByText('12 steps selected').waitFor({ state: 'detached' });

    // Ctrl+0 zooms to fit after zooming in.
    for (let i = 0; i < 3; i += 1) await p.locator('.react-flow__controls-zoomin').click();
    await settle(p);
    const zoomedIn = await p.locator('.react-flow__viewport').evaluate((e) => (e as HTMLElement).style.transform);
    await p.keyboard.press('Control+0');
    await new Promise((r) => setTimeout(r, 350));
    await settle(p);
    expect(await p.locator('.react-flow__viewport').evaluate((e) => (e as HTMLElement).style.transform)).not.toBe(zoomedIn);
    await shot(p, '13-pasted-steps');

    // The edits are saved as the draft.
    await until('the draft saved', async () => (await p.getByTestId('save-indicator').innerText()).includes('Saved'));
    const saved = await adminApi<JourneyBody>(session(), `/v1/journeys/${copyId}`);
    expect(saved.draft.nodes).toHaveLength(12);
    expect(saved.draft.edges).toHaveLength(edges + 1);
  });

  it('version history: a readable diff against the draft, and restoring a version as the draft (undoable)', async () => {
    const p = page();
    await openJourney('win-back-inactive');
    // Change the wait (14 → 10 days) and delete the goodbye email.
    await select('order-wait');
    await p.getByTestId('field-timeout').locator('input').fill('10');
    await until('the wait summary', async () => /10 days/.test(await p.getByTestId('node-order-wait').innerText()));
    await select('farewell-mail');
    await p.getByTestId('delete-node').click();
    await until('the step deleted', async () => (await nodeCount()) === 9);

    await p.getByTestId('versions-button').click();
    await p.getByTestId('versions-panel').waitFor();
    await p.getByTestId('version-1').click();
    const diff = p.getByTestId('version-diff');
    await diff.waitFor();
    const text = await diff.innerText();
    expect(text).toContain('− Removed Graceful goodbye');
    expect(text).toContain('~ Changed Order within 14 days?');
    expect(text).toMatch(/timeout\.amount: 14 → 10/);
    expect(text).toContain('Connections: 0 added, 2 removed');
    await shot(p, '14-version-diff');

    // Restore v1 as the draft: the step is back and the draft does what v1 does.
    await p.getByTestId('restore-version').click();
    await p.getByText('Version 1 is now the draft').waitFor();
    await p.getByText('The draft does the same as this version').waitFor();
    await until('the step restored', async () => (await nodeCount()) === 10);
    // Undo the restore (focus off the button so the shortcut reaches the canvas).
    await p.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await p.keyboard.press('Control+z');
    await until('the restore undone', async () => (await nodeCount()) === 9);
    await p.getByTestId('version-1').click();
    await p.getByTestId('version-diff').getByText('− Removed Graceful goodbye').waitFor();
    await p.getByTestId('restore-version').click();
    await until('restored again', async () => (await nodeCount()) === 10);

    // Publish a change as v2: the list shows both, v2 live, and each diff reads against the draft.
    await p.getByTestId('versions-button').click();
    await select('order-wait');
    await p.getByTestId('field-timeout').locator('input').fill('10');
    await until('publish enabled', () => p.getByTestId('publish-button').isEnabled());
    await p.getByTestId('publish-button').click();
    await p.getByTestId('publish-note').fill('Ten days to order instead of fourteen');
    await p.getByTestId('publish-confirm').click();
    await p.getByTestId('published-banner').getByText('Version 2 is live.').waitFor();
    await p.getByTestId('versions-button').click();
    await p.getByTestId('version-2').getByText('Ten days to order instead of fourteen').waitFor();
    expect(await p.getByTestId('version-2').getByText('live').count()).toBe(1);
    await p.getByTestId('version-2').click();
    await p.getByText('The draft does the same as this version').waitFor();
    await p.getByTestId('version-1').click();
    await p.getByTestId('version-diff').getByText(/timeout\.amount: 14 → 10/).waitFor();
    expect((await adminApi<JourneyBody>(session(), '/v1/journeys/win-back-inactive')).liveVersion).toBe(2);
  });

  it('an archived journey opens read only, with a message instead of dead buttons', async () => {
    const p = page();
    await p.getByTestId('back-to-list').click();
    const archived = rows().filter({ has: p.getByTestId('status-badge').getByText(/archived/i) });
    await archived.first().locator('[data-testid^=open-]').click();
    await p.locator('.react-flow__node').first().waitFor();
    await p.getByText('This journey is archived and can no longer be changed.').waitFor();
    expect(await p.getByTestId('publish-button').isDisabled()).toBe(true);
    expect(await p.getByTestId('publish-wrap').getAttribute('title')).toBe('An archived journey cannot be published.');
    expect(await p.getByTestId('undo').isDisabled()).toBe(true);
    expect(await p.getByTestId('palette-send_email').isDisabled()).toBe(true);
  });
});
