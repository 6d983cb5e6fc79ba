// The job queue: pg-boss 10 in the same PostgreSQL (v11+ need Node 22). Web processes only
// enqueue; worker processes work.
import PgBoss from "pg-boss";

export function createBoss(connectionString: string): PgBoss {
  return new PgBoss({ connectionString, schema: "pgboss", application_name: "preference-worker" });
}
