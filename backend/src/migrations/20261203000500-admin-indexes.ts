import type { Migration } from "../migrate.js";

/**
 * Indexes for the admin console (issue 10): the user list pages through an organisation's
 * users in e-mail order (keyset on the unique e-mail), optionally filtered by role or status,
 * and the organisation's audit log is filtered by event type.
 */
export const adminIndexes: Migration = {
  name: "20261203000500-admin-indexes",
  async up({ context: q }) {
    await q.addIndex("users", ["organisation_id", "email"], { name: "users_org_email" });
    await q.addIndex("users", ["organisation_id", "role", "email"], { name: "users_org_role_email" });
    await q.addIndex("users", ["organisation_id", "status", "email"], { name: "users_org_status_email" });
    await q.addIndex("audit_events", ["organisation_id", "type", "id"], { name: "audit_events_org_type" });
  },
  async down({ context: q }) {
    await q.removeIndex("audit_events", "audit_events_org_type");
    await q.removeIndex("users", "users_org_status_email");
    await q.removeIndex("users", "users_org_role_email");
    await q.removeIndex("users", "users_org_email");
  },
};
