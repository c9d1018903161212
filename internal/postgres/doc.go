// Package postgres is the detective.Store on PostgreSQL, for running several
// detective-local replicas against one database.
//
// Replicas coordinate only through the database: Write transactions run at
// READ COMMITTED and serialize per behavior graph on the graph row lock that
// LockGraph takes (SELECT ... FOR UPDATE); Read transactions are REPEATABLE
// READ READ ONLY, so a multi-query read sees one snapshot. Migrations are
// embedded (migrations/*.sql, numbered in lockstep with internal/sqlite) and
// applied by Open under a transaction-scoped advisory lock, so replicas that
// start together migrate once. Per-graph running totals of the members
// (member_totals: CountMembers, MemberVolume) are kept by triggers that
// migration 0007 defines, so every write to members updates them in its
// own transaction.
//
// The store holds no rules; it translates SQLSTATE 23505 (unique_violation)
// to detective.KindConflict and reports every other failure as internal.
//
// It imports internal/detective, internal/arn, internal/columncodec (the
// encodings it shares with internal/sqlite) and pgx. Never net/http, never
// internal/sqlite, never internal/awsapi.
package postgres
