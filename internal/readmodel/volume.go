package readmodel

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Measured volume is kept apart from the snapshot: it is named by the
// volume version, which ingestion moves without moving the data version,
// and by the minute its window starts in. The stores keep volume in
// buckets of a minute of ingest time and count the buckets at or after
// the start of the window truncated to the minute, so every window
// starting in one minute has the same answer at one volume version.

// volumeSnapshot is the measured volume answers kept at one volume
// version for windows starting in one minute, by graph and account. As in
// snapshot, readers load the answers without locks and adding builds
// new maps.
type volumeSnapshot struct {
	version string
	since   time.Time // truncated to the minute
	answers atomic.Pointer[volumeAnswers]

	mu   sync.Mutex // serializes add
	size int        // answers kept, under mu
}

// volumeAnswers is the answers of a volumeSnapshot at one time, never
// changed once published.
type volumeAnswers map[arn.ARN]map[detective.AccountID]volumeAnswer

// volumeAnswer is one account's measured volume in a graph, or that it
// never ingested into it (an answer too: it costs the next read nothing).
type volumeAnswer struct {
	volume detective.MeasuredVolume
	ok     bool
}

// measuredVolume answers as detective.VolumeReader does, from the answers
// kept at volume version v (or the current one if v is "") when it has
// them all, and else from s.volume, whose answers it then keeps if the
// version did not move meanwhile. The Bytes maps of the answers are
// shared: the Service only reads them.
func (s *Store) measuredVolume(ctx context.Context, v string, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	if v == "" {
		var err error
		if v, err = s.volume.VolumeVersion(ctx); err != nil {
			return nil, err
		}
		if v == "" {
			return s.volume.MeasuredVolume(ctx, graph, accounts, since)
		}
	}
	if out, ok := s.keptVolume(v, graph, accounts, since); ok {
		return out, nil
	}
	got, err := s.volume.MeasuredVolume(ctx, graph, accounts, since)
	if err != nil {
		return nil, err
	}
	if after, err := s.volume.VolumeVersion(ctx); err == nil && after == v {
		s.volumesAt(v, since.Truncate(time.Minute)).add(graph, accounts, got, s.maxEntries)
	}
	return got, nil
}

// keptVolume returns the measured volume of accounts kept at volume
// version v for windows starting in since's minute; ok is false unless
// all of it is kept.
func (s *Store) keptVolume(v string, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, bool) {
	vs := s.volumes.Load()
	if vs == nil || vs.version != v || !vs.since.Equal(since.Truncate(time.Minute)) {
		return nil, false
	}
	return vs.answer(graph, accounts)
}

// volumesAt returns the volume snapshot of version v and window start
// since, replacing the current one if it is of another.
func (s *Store) volumesAt(v string, since time.Time) *volumeSnapshot {
	for {
		cur := s.volumes.Load()
		if cur != nil && cur.version == v && cur.since.Equal(since) {
			return cur
		}
		next := &volumeSnapshot{version: v, since: since}
		next.answers.Store(&volumeAnswers{})
		if s.volumes.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// answer returns the kept volume of accounts in graph; ok is false if an
// account has no answer kept.
func (vs *volumeSnapshot) answer(graph arn.ARN, accounts []detective.AccountID) (map[detective.AccountID]detective.MeasuredVolume, bool) {
	kept := (*vs.answers.Load())[graph]
	var out map[detective.AccountID]detective.MeasuredVolume
	for _, id := range accounts {
		a, ok := kept[id]
		if !ok {
			return nil, false
		}
		if a.ok {
			if out == nil {
				out = make(map[detective.AccountID]detective.MeasuredVolume, len(accounts))
			}
			out[id] = a.volume
		}
	}
	return out, true
}

// add keeps the answer got for accounts in graph, up to maxEntries
// answers in all.
func (vs *volumeSnapshot) add(graph arn.ARN, accounts []detective.AccountID, got map[detective.AccountID]detective.MeasuredVolume, maxEntries int) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	cur := *vs.answers.Load()
	add := make(map[detective.AccountID]volumeAnswer, len(accounts))
	for _, id := range accounts {
		mv, ok := got[id]
		add[id] = volumeAnswer{volume: mv, ok: ok}
	}
	kept, added := addAnswers(cur[graph], add, &vs.size, maxEntries)
	if !added {
		return
	}
	next := make(volumeAnswers, len(cur)+1)
	maps.Copy(next, cur)
	next[graph] = kept
	vs.answers.Store(&next)
}
