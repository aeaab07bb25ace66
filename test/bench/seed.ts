import type postgres from 'postgres';

/**
 * Many waiting runs, fast: clones a run the engine created (its customer row, run row with the
 * stepper's snapshot, and pending timer) for customers `c<from>` … `c<to − 1>`, with fresh run ids
 * written into the snapshot. The clones are indistinguishable from runs created through the API
 * (same journey version, state and timer), and the worker rehydrates them the same way; only the
 * step log and event history of their first step are missing, which nothing in the bench reads.
 */
export const seedWaitingRuns = async (sql: postgres.Sql, template: string, from: number, to: number, chunk = 50_000): Promise<void> => {
  for (let start = from; start < to; start += chunk) {
    const end = Math.min(to, start + chunk);
    await sql.begin(async (tx) => {
      await tx`
        insert into customers (workspace_id, id, traits, stage, cluster, timezone, consent, tags, created_at, updated_at)
        select c.workspace_id, 'c' || i,
          c.traits || jsonb_build_object('email', 'c' || i || '@example.com', 'first_name', 'Customer ' || i),
          c.stage, c.cluster, c.timezone, c.consent, c.tags, c.created_at, c.updated_at
        from customers c, generate_series(${start}::int, ${end - 1}::int) as i
        where c.id = ${template}`;
      await tx`
        insert into runs (id, workspace_id, customer_id, journey_id, version, status, outcome, reason, current_node, state, entered_at, ended_at)
        select md5('seed' || i)::uuid::text, r.workspace_id, 'c' || i, r.journey_id, r.version, r.status, r.outcome, r.reason, r.current_node,
          jsonb_set(jsonb_set(r.state, '{runId}', to_jsonb(md5('seed' || i)::uuid::text)), '{snapshot,context,runId}', to_jsonb(md5('seed' || i)::uuid::text)),
          r.entered_at, r.ended_at
        from runs r, generate_series(${start}::int, ${end - 1}::int) as i
        where r.customer_id = ${template} and r.status = 'active'`;
      await tx`
        insert into timers (run_id, timer_id, workspace_id, customer_id, due_at, event)
        select md5('seed' || i)::uuid::text, t.timer_id, t.workspace_id, 'c' || i, t.due_at, t.event
        from timers t, generate_series(${start}::int, ${end - 1}::int) as i
        where t.customer_id = ${template}`;
    });
  }
  await sql`analyze customers`;
  await sql`analyze runs`;
  await sql`analyze timers`;
};
