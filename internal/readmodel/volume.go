package readmodel

import (
	"context"
	"sync"
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
// version for windows starting in one minute.
type volumeSnapshot struct {
	version string
	since   time.Time // truncated to the minute

	mu      sync.RWMutex
	answers map[memberKey]volumeAnswer
}

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
		next := &volumeSnapshot{version: v, since: since, answers: map[memberKey]volumeAnswer{}}
		if s.volumes.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// answer returns the kept volume of accounts in graph; ok is false if an
// account has no answer kept.
func (vs *volumeSnapshot) answer(graph arn.ARN, accounts []detective.AccountID) (map[detective.AccountID]detective.MeasuredVolume, bool) {
	vs.mu.RLock()
	defer vs.mu.RUnlock()
	var out map[detective.AccountID]detective.MeasuredVolume
	for _, id := range accounts {
		a, ok := vs.answers[memberKey{graph, id}]
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
	for _, id := range accounts {
		k := memberKey{graph, id}
		if _, ok := vs.answers[k]; ok || len(vs.answers) >= maxEntries {
			continue
		}
		mv, ok := got[id]
		vs.answers[k] = volumeAnswer{volume: mv, ok: ok}
	}
}
