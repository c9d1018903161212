package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/checkpoint"
)

var _ checkpoint.Store = (*Store)(nil)

// FinishedObjects implements checkpoint.Store.
func (s *Store) FinishedObjects(ctx context.Context, bucket string, keys []string) ([]checkpoint.Checkpoint, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	rows, _ := s.pool.Query(ctx, `SELECT key, etag, size, finished_time, records, accepted, bytes
		FROM ingest_objects WHERE bucket = $1 AND key = ANY($2) AND finished_time IS NOT NULL
		ORDER BY key, etag`, bucket, keys)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (checkpoint.Checkpoint, error) {
		c := checkpoint.Checkpoint{Object: checkpoint.Object{Bucket: bucket}}
		err := row.Scan(&c.Key, &c.ETag, &c.Size, &c.Finished, &c.Records, &c.Accepted, &c.Bytes)
		c.Finished = c.Finished.UTC()
		return c, err
	})
	if err != nil {
		return nil, wrap("finished objects", err)
	}
	return out, nil
}

// ClaimObject implements checkpoint.Store. The primary key makes the
// insert of two replicas racing for a new object a single winner; the
// upsert's WHERE is the rest of the rule: a finished row is never taken, a
// live claim only by its owner.
func (s *Store) ClaimObject(ctx context.Context, o checkpoint.Object, owner string, now, until time.Time) (bool, error) {
	return s.execOne(ctx, "claim object", `INSERT INTO ingest_objects AS i (bucket, key, etag, size, owner, lease_until)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (bucket, key, etag) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
		WHERE i.finished_time IS NULL AND (i.owner = excluded.owner OR i.lease_until <= $7)`,
		o.Bucket, o.Key, o.ETag, o.Size, owner, until, now)
}

// RenewObjectClaim implements checkpoint.Store.
func (s *Store) RenewObjectClaim(ctx context.Context, o checkpoint.Object, owner string, until time.Time) (bool, error) {
	return s.execOne(ctx, "renew object claim", `UPDATE ingest_objects SET lease_until = $1
		WHERE bucket = $2 AND key = $3 AND etag = $4 AND owner = $5 AND finished_time IS NULL`,
		until, o.Bucket, o.Key, o.ETag, owner)
}

// FinishObject implements checkpoint.Store.
func (s *Store) FinishObject(ctx context.Context, o checkpoint.Object, owner string, c checkpoint.Counts, at time.Time) (bool, error) {
	return s.execOne(ctx, "finish object", `UPDATE ingest_objects
		SET finished_time = $1, records = $2, accepted = $3, bytes = $4
		WHERE bucket = $5 AND key = $6 AND etag = $7 AND owner = $8 AND finished_time IS NULL`,
		at, c.Records, c.Accepted, c.Bytes, o.Bucket, o.Key, o.ETag, owner)
}

// ReleaseObject implements checkpoint.Store.
func (s *Store) ReleaseObject(ctx context.Context, o checkpoint.Object, owner string) error {
	_, err := s.execOne(ctx, "release object", `DELETE FROM ingest_objects
		WHERE bucket = $1 AND key = $2 AND etag = $3 AND owner = $4 AND finished_time IS NULL`,
		o.Bucket, o.Key, o.ETag, owner)
	return err
}

// execOne runs one statement outside any transaction and reports whether
// it changed a row.
func (s *Store) execOne(ctx context.Context, op, sql string, args ...any) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	tag, err := s.pool.Exec(ctx, sql, args...)
	if err != nil {
		return false, wrap(op, err)
	}
	return tag.RowsAffected() == 1, nil
}
