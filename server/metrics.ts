/** Prometheus counters, gauges and a histogram, without a dependency: the text format is simple. */
type Labels = Record<string, string>;

const key = (name: string, labels: Labels): string => {
  const parts = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return parts.length === 0 ? name : `${name}{${parts.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
};

export const createMetrics = () => {
  const counters = new Map<string, { name: string; value: number }>();
  const help = new Map<string, { type: 'counter' | 'gauge' | 'histogram'; text: string }>();
  const buckets = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
  const histograms = new Map<string, { name: string; labels: Labels; counts: number[]; sum: number; count: number }>();
  return {
    describe(name: string, type: 'counter' | 'gauge' | 'histogram', text: string): void {
      help.set(name, { type, text });
    },
    inc(name: string, labels: Labels = {}, by = 1): void {
      const k = key(name, labels);
      const entry = counters.get(k) ?? { name, value: 0 };
      entry.value += by;
      counters.set(k, entry);
    },
    set(name: string, labels: Labels, value: number): void {
      counters.set(key(name, labels), { name, value });
    },
    observe(name: string, labels: Labels, value: number): void {
      const k = key(name, labels);
      const h = histograms.get(k) ?? { name, labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
      buckets.forEach((b, i) => {
        if (value <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
      });
      h.sum += value;
      h.count += 1;
      histograms.set(k, h);
    },
    render(): string {
      const lines: string[] = [];
      const names = new Set([...[...counters.values()].map((c) => c.name), ...[...histograms.values()].map((h) => h.name)]);
      for (const name of [...names].sort()) {
        const h = help.get(name);
        if (h) lines.push(`# HELP ${name} ${h.text}`, `# TYPE ${name} ${h.type}`);
        for (const [k, c] of counters) if (c.name === name) lines.push(`${k} ${c.value}`);
        for (const hist of histograms.values()) {
          if (hist.name !== name) continue;
          buckets.forEach((b, i) => lines.push(`${key(`${name}_bucket`, { ...hist.labels, le: String(b) })} ${hist.counts[i] ?? 0}`));
          lines.push(`${key(`${name}_bucket`, { ...hist.labels, le: '+Inf' })} ${hist.count}`);
          lines.push(`${key(`${name}_sum`, hist.labels)} ${hist.sum}`, `${key(`${name}_count`, hist.labels)} ${hist.count}`);
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
};
export type Metrics = ReturnType<typeof createMetrics>;
