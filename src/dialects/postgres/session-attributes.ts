import type { TargetSessionAttrs } from "./postgres-uri.js";

/** What a freshly opened session reports about its server. */
export interface ServerRole {
  /** `pg_is_in_recovery()`: a standby (hot standby), not the primary. */
  standby: boolean;
  /** `transaction_read_only` of a new transaction: off on a writable primary. */
  readOnly: boolean;
}

/** One round trip on a new connection, as libpq's check does (once per connection, never per query). */
export const SERVER_ROLE_QUERY =
  "select pg_is_in_recovery() as standby, current_setting('transaction_read_only') = 'on' as read_only";

/**
 * Whether a server in `role` may serve a session that asked for `attrs`,
 * with libpq's meanings: read-write refuses a read-only session, primary a
 * standby; prefer-standby takes a standby when there is one (the caller tries
 * the others after).
 */
export function roleMatches(attrs: TargetSessionAttrs, role: ServerRole, pass: "first" | "fallback"): boolean {
  switch (attrs) {
    case "any":
      return true;
    case "read-write":
      return !role.readOnly;
    case "read-only":
      return role.readOnly;
    case "primary":
      return !role.standby;
    case "standby":
      return role.standby;
    case "prefer-standby":
      return pass === "fallback" || role.standby;
  }
}

/** The server reached is not one `attrs` accepts: the next endpoint is tried. */
export class WrongServerRoleError extends Error {
  constructor(
    readonly endpoint: string,
    readonly attrs: TargetSessionAttrs,
    readonly role: ServerRole,
  ) {
    super(`${endpoint} is ${role.standby ? "a standby" : role.readOnly ? "read-only" : "a read-write primary"}, not what target_session_attrs=${attrs} asks for`);
    this.name = "WrongServerRoleError";
  }
}
