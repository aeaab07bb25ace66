import type { Page } from 'playwright-core';
import { centre, until } from './browser.js';

/** Canvas gestures shared by the browser tests: drop a step from the palette, connect two steps, select one. */

/** Drags a palette item onto the canvas at (x, y) relative to the canvas (HTML5 drag and drop) and waits for step `id`. */
export const dropStep = async (page: Page, kind: string, x: number, y: number, id: string): Promise<void> => {
  await page.dragAndDrop(`[data-testid=palette-${kind}]`, '[data-testid=canvas]', { targetPosition: { x, y } });
  await page.getByTestId(`node-${id}`).waitFor();
};

/** Drags from an outcome handle to the input handle of another step, and waits for the new connection. */
export const connectSteps = async (page: Page, source: string, outcome: string, target: string): Promise<void> => {
  const edgesBefore = await page.locator('.react-flow__edge').count();
  const from = await centre(page.getByTestId(`handle-${source}-${outcome}`));
  const to = await centre(page.getByTestId(`handle-${target}-in`));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  await until(`edge ${source}.${outcome} → ${target}`, async () => (await page.locator('.react-flow__edge').count()) === edgesBefore + 1);
};

/** Selects a step (opens its settings). */
export const selectStep = async (page: Page, id: string): Promise<void> => {
  await page.getByTestId(`node-${id}`).locator('.node-head').click();
  await page.getByTestId('node-settings').locator('code', { hasText: id }).waitFor();
};
