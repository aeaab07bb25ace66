import { describe, expect, it } from 'vitest';
import { progressLine } from './backtest-text.js';

const at = (customers: number, totalCustomers: number, status: 'running' | 'done' = 'running') => ({ status, progress: { customers, totalCustomers, events: customers * 12, eventsPerSecond: 41_250 } });

describe('backtest progress bar', () => {
  it('fills in proportion to the customers simulated', () => {
    expect(progressLine(at(0, 2_500), 10)).toBe('[░░░░░░░░░░]   0 %  0 of 2,500 customers · 0 events · 41,250 events/s');
    expect(progressLine(at(1_050, 2_500), 10)).toBe('[████░░░░░░]  42 %  1,050 of 2,500 customers · 12,600 events · 41,250 events/s');
    expect(progressLine(at(2_500, 2_500), 10)).toBe('[██████████] 100 %  2,500 of 2,500 customers · 30,000 events · 41,250 events/s');
  });
  it('is full when there was nothing to simulate, and never overflows', () => {
    expect(progressLine(at(0, 0), 4)).toBe('[░░░░]   0 %  counting the customers in the window…');
    expect(progressLine(at(0, 0, 'done'), 4)).toMatch(/^\[████\] 100 %/);
    expect(progressLine(at(9, 3), 4)).toMatch(/^\[████\] 100 %/);
  });
});
