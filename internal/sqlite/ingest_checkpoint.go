package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/checkpoint"
)

var _ checkpoint.Store = (*Store)(nil)

// FinishedObjects implements checkpoint.Store.
func (s *Store) FinishedObjects(ctx context.Context, bucket string, keys []string) ([]checkpoint.Checkpoint, error) {
	var out []checkpoint.Checkpoint
	// SQLite allows 32766 parameters; pages of S3 listings are 1000 keys.
	const chunk = 1000
	for len(keys) > 0 {
		n := min(chunk, len(keys))
		args := make([]any, 0, n+1)
		args = append(args, bucket)
		for _, k := range keys[:n] {
			args = append(args, k)
		}
		keys = keys[n:]
		rows, err := s.read.QueryContext(ctx, `SELECT key, etag, size, finished_time, records, accepted, bytes
			FROM ingest_objects WHERE bucket = ? AND finished_time IS NOT NULL
			AND key IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY key, etag`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: finished objects: %w", err)
		}
		for rows.Next() {
			c := checkpoint.Checkpoint{Object: checkpoint.Object{Bucket: bucket}}
			var finished int64
			if err := rows.Scan(&c.Key, &c.ETag, &c.Size, &finished, &c.Records, &c.Accepted, &c.Bytes); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: finished objects: %w", err)
			}
			c.Finished = fromMillis(finished)
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: finished objects: %w", err)
		}
	}
	return out, nil
}

// ClaimObject implements checkpoint.Store. The upsert's WHERE is the whole
// rule: a finished row is never taken, a live claim only by its owner.
func (s *Store) ClaimObject(ctx context.Context, o checkpoint.Object, owner string, now, until time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO ingest_objects (bucket, key, etag, size, owner, lease_until)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (bucket, key, etag) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
		WHERE finished_time IS NULL AND (owner = excluded.owner OR lease_until <= ?)`,
		o.Bucket, o.Key, o.ETag, o.Size, owner, millis(until), millis(now))
	return changedOne(res, err, "claim object")
}

// RenewObjectClaim implements checkpoint.Store.
func (s *Store) RenewObjectClaim(ctx context.Context, o checkpoint.Object, owner string, until time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE ingest_objects SET lease_until = ?
		WHERE bucket = ? AND key = ? AND etag = ? AND owner = ? AND finished_time IS NULL`,
		millis(until), o.Bucket, o.Key, o.ETag, owner)
	return changedOne(res, err, "renew object claim")
}

// FinishObject implements checkpoint.Store.
func (s *Store) FinishObject(ctx context.Context, o checkpoint.Object, owner string, c checkpoint.Counts, at time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE ingest_objects
		SET finished_time = ?, records = ?, accepted = ?, bytes = ?
		WHERE bucket = ? AND key = ? AND etag = ? AND owner = ? AND finished_time IS NULL`,
		millis(at), c.Records, c.Accepted, c.Bytes, o.Bucket, o.Key, o.ETag, owner)
	return changedOne(res, err, "finish object")
}

// ReleaseObject implements checkpoint.Store.
func (s *Store) ReleaseObject(ctx context.Context, o checkpoint.Object, owner string) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM ingest_objects
		WHERE bucket = ? AND key = ? AND etag = ? AND owner = ? AND finished_time IS NULL`,
		o.Bucket, o.Key, o.ETag, owner)
	if err != nil {
		return fmt.Errorf("sqlite: release object: %w", err)
	}
	return nil
}

// changedOne reports whether the statement that produced res changed a row.
func changedOne(res sql.Result, err error, op string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return n == 1, nil
}
