package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/checkpoint"
)

// RunCheckpoint exercises a checkpoint.Store. newStore returns an empty,
// migrated store private to t.
func RunCheckpoint(t *testing.T, newStore func(t *testing.T) checkpoint.Store) {
	t.Run("ClaimLifecycle", func(t *testing.T) { t.Parallel(); testClaimLifecycle(t, newStore(t)) })
	t.Run("ClaimExpires", func(t *testing.T) { t.Parallel(); testClaimExpires(t, newStore(t)) })
	t.Run("Release", func(t *testing.T) { t.Parallel(); testRelease(t, newStore(t)) })
	t.Run("FinishedObjects", func(t *testing.T) { t.Parallel(); testFinishedObjects(t, newStore(t)) })
	t.Run("ClaimRace", func(t *testing.T) { t.Parallel(); testClaimRace(t, newStore(t)) })
}

func checkpointObject(key, etag string) checkpoint.Object {
	return checkpoint.Object{Bucket: "logs", Key: key, ETag: etag, Size: 1234}
}

// mustClaim fails tb unless ClaimObject answers want.
func mustClaimObject(tb testing.TB, s checkpoint.Store, o checkpoint.Object, owner string, now time.Time, want bool) {
	tb.Helper()
	got, err := s.ClaimObject(tb.Context(), o, owner, now, now.Add(time.Minute))
	if err != nil || got != want {
		tb.Errorf("ClaimObject(%s, %s, %v) = %v, %v; want %v", o.Key, owner, now.Format(time.TimeOnly), got, err, want)
	}
}

// mustFinish fails tb unless FinishObject answers want.
func mustFinishObject(tb testing.TB, s checkpoint.Store, o checkpoint.Object, owner string, c checkpoint.Counts, want bool) {
	tb.Helper()
	got, err := s.FinishObject(tb.Context(), o, owner, c, at(60_000))
	if err != nil || got != want {
		tb.Errorf("FinishObject(%s, %s) = %v, %v; want %v", o.Key, owner, got, err, want)
	}
}

func mustFinishedObjects(tb testing.TB, s checkpoint.Store, bucket string, keys ...string) []checkpoint.Checkpoint {
	tb.Helper()
	got, err := s.FinishedObjects(tb.Context(), bucket, keys)
	if err != nil {
		tb.Fatalf("FinishedObjects(%s, %v): %v", bucket, keys, err)
	}
	for _, c := range got {
		checkUTC(tb, "Finished", c.Finished)
	}
	return got
}

// testClaimLifecycle: one owner claims, another is refused while the claim
// lives, the owner finishes with its counts, and then nobody claims it.
func testClaimLifecycle(t *testing.T, s checkpoint.Store) {
	o := checkpointObject("AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/a.json.gz", "e1")
	mustClaimObject(t, s, o, "a", base, true)
	mustClaimObject(t, s, o, "b", at(1_000), false)
	mustClaimObject(t, s, o, "a", at(2_000), true) // its own claim: extended
	if ok, err := s.RenewObjectClaim(t.Context(), o, "b", at(90_000)); err != nil || ok {
		t.Errorf("RenewObjectClaim by a non-owner = %v, %v; want false", ok, err)
	}
	if ok, err := s.RenewObjectClaim(t.Context(), o, "a", at(90_000)); err != nil || !ok {
		t.Errorf("RenewObjectClaim by the owner = %v, %v; want true", ok, err)
	}
	if got := mustFinishedObjects(t, s, "logs", o.Key); len(got) != 0 {
		t.Errorf("FinishedObjects of a claimed object = %v, want none", got)
	}
	mustFinishObject(t, s, o, "b", checkpoint.Counts{Records: 1}, false)
	c := checkpoint.Counts{Records: 10, Accepted: 7, Bytes: 4096}
	mustFinishObject(t, s, o, "a", c, true)
	mustFinishObject(t, s, o, "a", c, false) // finished already
	want := []checkpoint.Checkpoint{{Object: o, Counts: c, Finished: at(60_000)}}
	if diff := cmp.Diff(want, mustFinishedObjects(t, s, "logs", o.Key)); diff != "" {
		t.Errorf("FinishedObjects (-want +got):\n%s", diff)
	}
	// A finished object is never claimed again, however late.
	mustClaimObject(t, s, o, "a", at(3_600_000), false)
	mustClaimObject(t, s, o, "b", at(3_600_000), false)
	if ok, err := s.RenewObjectClaim(t.Context(), o, "a", at(7_200_000)); err != nil || ok {
		t.Errorf("RenewObjectClaim of a finished object = %v, %v; want false", ok, err)
	}
	// The same key with new content is a new object.
	mustClaimObject(t, s, checkpointObject(o.Key, "e2"), "b", at(3_600_000), true)
}

// testClaimExpires: a claim whose owner stopped renewing it (a crashed
// replica) is taken by another owner once it expires, and the first owner
// can then neither renew nor finish it.
func testClaimExpires(t *testing.T, s checkpoint.Store) {
	o := checkpointObject("k", "e")
	mustClaimObject(t, s, o, "a", base, true) // until base+1m
	mustClaimObject(t, s, o, "b", at(59_999), false)
	mustClaimObject(t, s, o, "b", at(60_000), true)
	if ok, err := s.RenewObjectClaim(t.Context(), o, "a", at(120_000)); err != nil || ok {
		t.Errorf("RenewObjectClaim by the expired owner = %v, %v; want false", ok, err)
	}
	mustFinishObject(t, s, o, "a", checkpoint.Counts{Records: 1}, false)
	mustFinishObject(t, s, o, "b", checkpoint.Counts{Records: 2}, true)
	if got := mustFinishedObjects(t, s, "logs", "k"); len(got) != 1 || got[0].Records != 2 {
		t.Errorf("FinishedObjects = %+v, want the new owner's checkpoint", got)
	}
}

// testRelease: a released claim is free at once; releasing someone else's
// claim or a finished object changes nothing.
func testRelease(t *testing.T, s checkpoint.Store) {
	ctx := t.Context()
	o := checkpointObject("k", "e")
	mustClaimObject(t, s, o, "a", base, true)
	if err := s.ReleaseObject(ctx, o, "b"); err != nil {
		t.Fatalf("ReleaseObject by a non-owner: %v", err)
	}
	mustClaimObject(t, s, o, "b", base, false)
	if err := s.ReleaseObject(ctx, o, "a"); err != nil {
		t.Fatalf("ReleaseObject: %v", err)
	}
	mustClaimObject(t, s, o, "b", base, true)
	mustFinishObject(t, s, o, "b", checkpoint.Counts{}, true)
	if err := s.ReleaseObject(ctx, o, "b"); err != nil {
		t.Fatalf("ReleaseObject of a finished object: %v", err)
	}
	if got := mustFinishedObjects(t, s, "logs", "k"); len(got) != 1 {
		t.Errorf("FinishedObjects after releasing a finished object = %v, want it still finished", got)
	}
}

// testFinishedObjects: only finished objects of the bucket and keys asked
// for, every finished version of a key, across more keys than one query
// takes.
func testFinishedObjects(t *testing.T, s checkpoint.Store) {
	const n = 1_500
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%05d", i)
		o := checkpointObject(keys[i], "e")
		mustClaimObject(t, s, o, "a", base, true)
		if i%2 == 0 {
			mustFinishObject(t, s, o, "a", checkpoint.Counts{Records: int64(i)}, true)
		}
	}
	other := checkpoint.Object{Bucket: "other", Key: keys[0], ETag: "e"}
	mustClaimObject(t, s, other, "a", base, true)
	mustFinishObject(t, s, other, "a", checkpoint.Counts{}, true)
	v2 := checkpointObject(keys[0], "f")
	mustClaimObject(t, s, v2, "a", base, true)
	mustFinishObject(t, s, v2, "a", checkpoint.Counts{}, true)

	got := mustFinishedObjects(t, s, "logs", keys...)
	if len(got) != n/2+1 {
		t.Fatalf("FinishedObjects of %d keys = %d checkpoints, want %d", n, len(got), n/2+1)
	}
	for _, c := range got {
		if c.Bucket != "logs" || c.Size != 1234 {
			t.Errorf("FinishedObjects returned %+v", c)
		}
	}
	if got := mustFinishedObjects(t, s, "logs", keys[0]); len(got) != 2 || got[0].ETag != "e" || got[1].ETag != "f" {
		t.Errorf("FinishedObjects(%s) = %+v, want versions e and f", keys[0], got)
	}
	if got := mustFinishedObjects(t, s, "logs", keys[1], "absent"); len(got) != 0 {
		t.Errorf("FinishedObjects of unfinished and absent keys = %+v, want none", got)
	}
	if got := mustFinishedObjects(t, s, "logs"); len(got) != 0 {
		t.Errorf("FinishedObjects of no keys = %+v, want none", got)
	}
}

// testClaimRace: of many owners claiming one new object at once (replicas
// polling one bucket), exactly one wins.
func testClaimRace(t *testing.T, s checkpoint.Store) {
	o := checkpointObject("k", "e")
	const owners = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for i := range owners {
		wg.Go(func() {
			ok, err := s.ClaimObject(context.Background(), o, fmt.Sprint("owner", i), base, at(60_000))
			if err != nil {
				t.Errorf("ClaimObject: %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d of %d concurrent claims won, want exactly 1", wins, owners)
	}
}
