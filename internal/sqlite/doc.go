// Package sqlite is detective.Store on SQLite, the default store: one
// database file in the data directory, or a private in-memory database for
// throwaway runs. It passes storetest.Run.
//
// The file runs in WAL mode with synchronous=FULL, so a write is durable
// once Write returns, through kill -9 and power loss. All writes go through
// one connection and start with BEGIN IMMEDIATE, which serializes them;
// reads use a separate pool and see the last committed state without
// waiting for a write in progress. One process owns a file: SQLite is not a
// store for several replicas (use internal/postgres for that), but opening
// the file again after a crash recovers every committed write.
//
// The schema is in migrations/*.sql, embedded and applied by Open; the
// files are numbered in lockstep with internal/postgres's. Per-graph
// running totals of the members (member_totals: CountMembers,
// MemberVolume) are kept by triggers that migration 0007 defines, so every
// write to members updates them in its own transaction.
//
// It imports detective, arn, columncodec (the encodings it shares with
// internal/postgres), database/sql and the pure-Go driver
// modernc.org/sqlite; never net/http, another store or awsapi.
package sqlite
