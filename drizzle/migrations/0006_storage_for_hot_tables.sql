-- Storage settings for the tables the worker and dispatcher rewrite all the time.
-- runs and customers: room on each page (fillfactor) so that a step's snapshot update, or a trait
-- update, can stay on its page without touching any index (a HOT update) when no indexed column
-- changes — most steps leave status and customer as they are.
ALTER TABLE "runs" SET (fillfactor = 80);--> statement-breakpoint
ALTER TABLE "customers" SET (fillfactor = 85);--> statement-breakpoint
-- Queue-like tables: VACUUM must not try to cut empty pages off their end, which takes a lock that
-- stalls every worker and dispatcher statement on the table while it lasts.
ALTER TABLE "timers" SET (vacuum_truncate = false);--> statement-breakpoint
ALTER TABLE "effects" SET (vacuum_truncate = false);--> statement-breakpoint
ALTER TABLE "events" SET (vacuum_truncate = false);--> statement-breakpoint
ALTER TABLE "reevaluations" SET (vacuum_truncate = false);
