import type { ReactElement } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FunnelBar } from './report.js';

/** Recharts wrappers in the editor's palette (indigo accent, muted axes). */
const accent = '#4338ca';
const soft = '#c7cdfb';
const axis = { fontSize: 11, fill: '#6b7587' };

export const FunnelChart = ({ bars }: { bars: readonly FunnelBar[] }): ReactElement => (
  <ResponsiveContainer width="100%" height={Math.max(120, bars.length * 30 + 20)}>
    <BarChart data={[...bars]} layout="vertical" margin={{ top: 4, right: 48, bottom: 4, left: 8 }} accessibilityLayer>
      <CartesianGrid horizontal={false} stroke="#e2e7ef" />
      <XAxis type="number" allowDecimals={false} tick={axis} stroke="#cbd3df" />
      <YAxis type="category" dataKey="label" width={170} tick={axis} stroke="#cbd3df" interval={0} />
      <Tooltip formatter={(v) => [Number(v).toLocaleString(), 'runs entered']} cursor={{ fill: '#eef0fe' }} />
      <Bar dataKey="entered" radius={[0, 4, 4, 0]} isAnimationActive={false}>
        {bars.map((b) => (
          <Cell key={b.nodeId} fill={b.share >= 0.999 ? accent : '#6d63e0'} fillOpacity={0.35 + 0.65 * b.share} />
        ))}
        <LabelList dataKey="entered" position="right" style={{ fontSize: 11, fill: '#475366' }} />
      </Bar>
    </BarChart>
  </ResponsiveContainer>
);

export const HistogramChart = ({ data, valueLabel }: { data: readonly { label: string; count: number }[]; valueLabel: string }): ReactElement => (
  <ResponsiveContainer width="100%" height={200}>
    <BarChart data={[...data]} margin={{ top: 12, right: 8, bottom: 4, left: -16 }} accessibilityLayer>
      <CartesianGrid vertical={false} stroke="#e2e7ef" />
      <XAxis dataKey="label" tick={axis} stroke="#cbd3df" interval={0} />
      <YAxis allowDecimals={false} tick={axis} stroke="#cbd3df" />
      <Tooltip formatter={(v) => [Number(v).toLocaleString(), valueLabel]} cursor={{ fill: '#eef0fe' }} />
      <Bar dataKey="count" fill={accent} radius={[4, 4, 0, 0]} isAnimationActive={false} />
    </BarChart>
  </ResponsiveContainer>
);

export const ConversionsChart = ({ data }: { data: readonly { day: string; converted: number }[] }): ReactElement => (
  <ResponsiveContainer width="100%" height={200}>
    <AreaChart data={[...data]} margin={{ top: 12, right: 12, bottom: 4, left: -16 }} accessibilityLayer>
      <CartesianGrid vertical={false} stroke="#e2e7ef" />
      <XAxis dataKey="day" tick={axis} stroke="#cbd3df" tickFormatter={(d: string) => d.slice(5)} minTickGap={24} />
      <YAxis allowDecimals={false} tick={axis} stroke="#cbd3df" />
      <Tooltip formatter={(v) => [Number(v).toLocaleString(), 'conversions']} />
      <Area type="monotone" dataKey="converted" stroke={accent} fill={soft} fillOpacity={0.6} strokeWidth={2} isAnimationActive={false} />
    </AreaChart>
  </ResponsiveContainer>
);
