// Package checkpoint is the record of which source objects (S3 objects)
// have been ingested, and which replica is ingesting one right now. The S3
// source consults it so that a restart neither skips nor double-counts an
// object, and so that two replicas polling one bucket never ingest the same
// object at the same time. The stores implement Store; this package holds
// only the types and the contract.
//
// Imports: stdlib only.
package checkpoint

import (
	"context"
	"time"
)

// Object identifies one version of a source object: an object overwritten
// with new content has a new ETag and is a new Object to ingest.
type Object struct {
	Bucket string
	Key    string
	ETag   string // without the quotes S3 puts around it
	Size   int64
}

// Counts are what ingesting an object produced, kept for operators.
type Counts struct {
	Records  int64 // records read
	Accepted int64 // records that entered at least one graph
	Bytes    int64 // bytes read
}

// Checkpoint is an object whose ingest finished.
type Checkpoint struct {
	Object
	Counts
	Finished time.Time
}

// Store keeps checkpoints and claims. A claim is a lease: a replica that
// dies while it holds one stops renewing it, and once it has expired any
// replica may claim the object again and ingest it anew (which is
// harmless, since ingest is idempotent by record).
type Store interface {
	// FinishedObjects returns the checkpoints among keys of bucket, every
	// finished ETag of each. Keys with none are left out.
	FinishedObjects(ctx context.Context, bucket string, keys []string) ([]Checkpoint, error)
	// ClaimObject claims o for owner until until. It reports false, with
	// a nil error, when o is finished or another owner holds a claim that
	// has not expired at now. Claiming an object one already holds
	// extends the claim.
	ClaimObject(ctx context.Context, o Object, owner string, now, until time.Time) (bool, error)
	// RenewObjectClaim moves owner's claim on o to expire at until. It
	// reports false when owner no longer holds it (it expired and another
	// owner took it, or it finished).
	RenewObjectClaim(ctx context.Context, o Object, owner string, until time.Time) (bool, error)
	// FinishObject records that o was ingested, with its counts, at at.
	// It reports false when owner no longer holds the claim: o was
	// finished by another owner meanwhile, whose checkpoint stays.
	FinishObject(ctx context.Context, o Object, owner string, c Counts, at time.Time) (bool, error)
	// ReleaseObject drops owner's claim on an object it failed to ingest,
	// so that the next poll tries it again. Releasing a claim one does not
	// hold does nothing.
	ReleaseObject(ctx context.Context, o Object, owner string) error
}
