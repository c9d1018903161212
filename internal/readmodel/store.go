// Package readmodel serves Detective's reads from memory. Store wraps a
// detective.Store: the answers of the store's read queries are kept in a
// snapshot named by the database's data version (DataVersion), and a read
// whose version is the snapshot's is answered from it without opening a
// transaction. Any write, by this process or another replica, changes the
// version, so the next read finds the snapshot stale and reads the
// database again: a read never sees less than the writes acknowledged
// before it began, on any replica.
//
// Only the answers of a read transaction that saw exactly the version it
// is filed under are kept: the version is read before and after it, and a
// transaction with a write between them keeps nothing.
//
// Measured volume (WithVolume) is kept apart, under a volume version that
// ingestion moves without moving the data version, and under the minute
// its 24-hour window starts in (volume.go).
//
// It imports detective and arn only; internal/app puts it in front of the
// store it opens.
package readmodel

import (
	"context"
	"maps"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Versioned is a store that names the state its reads see.
type Versioned interface {
	detective.Store
	// DataVersion returns a name for the committed state a read would see
	// now: equal names mean equal data. "" means the state may be changing
	// (a write is under way) and reads must go to the database.
	DataVersion(ctx context.Context) (string, error)
}

// VolumeSource is measured volume read outside any transaction, named by
// versions as Versioned names Detective's data. Its versions move with
// ingestion alone, so the answers kept under them live beside the
// snapshot of the data version and are not dropped with it.
type VolumeSource interface {
	detective.VolumeReader
	// VolumeVersion returns a name for the measured volume a read would
	// see now: equal names mean equal volume. "" means a write of it may
	// be under way and reads must go to the database.
	VolumeVersion(ctx context.Context) (string, error)
}

// versionPair is a Versioned store that names its data and its measured
// volume at once: on PostgreSQL, in one round trip.
type versionPair interface {
	Versions(ctx context.Context) (data, volume string, err error)
}

// DefaultMaxEntries bounds a snapshot: about 0.5 KB an entry, the
// members, answers and package states of about 40 graphs of 1,200
// members, some 25 MB at most. Adding answers copies the maps of the ARN
// they name (keys and pointers, some 40 bytes an entry), so while reads
// of the previous state last, one graph's maps exist twice.
const DefaultMaxEntries = 50_000

// Store is a detective.Store whose reads are served from memory while the
// database is unchanged. It is safe for concurrent use.
type Store struct {
	inner      Versioned
	maxEntries int
	volume     VolumeSource
	pair       versionPair // nil: the versions are asked for one by one
	current    atomic.Pointer[snapshot]
	volumes    atomic.Pointer[volumeSnapshot]
}

var _ detective.Store = (*Store)(nil)

// New returns a Store in front of inner keeping at most maxEntries answers
// (0 means DefaultMaxEntries).
func New(inner Versioned, maxEntries int) *Store {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	return &Store{inner: inner, maxEntries: maxEntries}
}

// WithVolume returns s answering measured volume, in reads served from
// memory, from volume: from the answers kept under its current version
// and the minute the window starts in, or else from volume itself.
// Without it, a read that asks for measured volume goes to the database
// whole.
func (s *Store) WithVolume(volume VolumeSource) *Store {
	s.volume = volume
	s.pair, _ = s.inner.(versionPair)
	return s
}

// Read runs fn on the snapshot of the current data version when every
// query fn makes has its answer there, and otherwise in a read transaction
// of the inner store, whose answers then join the snapshot. A run on the
// snapshot stops at the first question it cannot answer (fn sees no
// error, only the exact answers before it) and fn runs again in the
// transaction, so what fn did before the miss it does twice: Service's
// reads keep their result only.
func (s *Store) Read(ctx context.Context, fn func(detective.Tx) error) error {
	var v, vv string
	var err error
	if s.volume != nil && s.pair != nil {
		v, vv, err = s.pair.Versions(ctx)
	} else {
		v, err = s.inner.DataVersion(ctx)
	}
	if err != nil || v == "" {
		return s.inner.Read(ctx, fn)
	}
	if snap := s.current.Load(); snap != nil && snap.version == v {
		if err, ok := snap.serve(fn, s, vv); ok {
			return err
		}
	}
	return s.fill(ctx, v, vv, fn)
}

// fill runs fn in a read transaction, recording the store's answers, and
// files them under v if the version is still v afterwards. vv is the
// volume version read with v, if it was.
func (s *Store) fill(ctx context.Context, v, vv string, fn func(detective.Tx) error) error {
	var rec *recording
	inTx := "" // the version the transaction itself reads, where it can
	err := s.inner.Read(ctx, func(tx detective.Tx) error {
		full, ok := tx.(fullTx)
		if !ok {
			rec = nil
			return fn(tx)
		}
		if tv, ok := tx.(txVersioner); ok {
			var err error
			if inTx, err = tv.DataVersion(ctx); err != nil {
				return err
			}
		}
		rec = newRecording() // the inner store may run fn again
		return fn(&fillTx{fullTx: full, rec: rec, store: s, volumeVersion: vv})
	})
	if rec == nil {
		return err
	}
	if inTx != "" {
		// The transaction's own version names exactly what it read, and
		// spares a second look, and a connection, after it.
		s.snapshotAt(inTx).add(rec, s.maxEntries)
	} else if after, verr := s.inner.DataVersion(ctx); verr == nil && after == v {
		s.snapshotAt(v).add(rec, s.maxEntries)
	}
	return err
}

// txVersioner is a read transaction that can name the data version it
// reads, as a PostgreSQL snapshot can.
type txVersioner interface {
	DataVersion(ctx context.Context) (string, error)
}

// snapshotAt returns the snapshot of version v, replacing the current one
// if it is of another version.
func (s *Store) snapshotAt(v string) *snapshot {
	for {
		cur := s.current.Load()
		if cur != nil && cur.version == v {
			return cur
		}
		next := newSnapshot(v)
		if s.current.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// Write runs fn in a write transaction of the inner store. Its commit
// changes the data version, which retires the snapshot.
func (s *Store) Write(ctx context.Context, fn func(detective.Tx) error) error {
	return s.inner.Write(ctx, fn)
}

// Ping reports whether the inner store answers.
func (s *Store) Ping(ctx context.Context) error { return s.inner.Ping(ctx) }

// Close closes the inner store.
func (s *Store) Close() error {
	s.current.Store(nil)
	s.volumes.Store(nil)
	return s.inner.Close()
}

// miss is the panic with which snapshotTx stops a run at a question the
// snapshot has no answer to. A panic rather than an error, so that fn
// never sees a miss: it sees the database's answers or nothing, and the
// run is done again in a transaction.
type miss struct{}

// serve runs fn on snap. ok is false if fn asked a question snap cannot
// answer, in which case fn's run was cut short and means nothing.
func (snap *snapshot) serve(fn func(detective.Tx) error, s *Store, volumeVersion string) (err error, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			// A query the snapshot does not keep at all reaches the
			// nil Tx that snapshotTx embeds and panics there: that,
			// too, is a miss. A panic of fn's own happens again in the
			// transaction and is not hidden.
			_, isMiss := r.(miss)
			if _, nilCall := r.(runtime.Error); !isMiss && !nilCall {
				panic(r)
			}
			err, ok = nil, false
		}
	}()
	return fn(&snapshotTx{state: snap.state.Load(), store: s, volumeVersion: volumeVersion}), true
}

// snapshot is the answers recorded at one data version. Readers load its
// state once per read and look up without locks or writes to shared
// memory: adding answers builds a new state, copying only the maps of the
// ARNs the answers name, and publishes it, so a read sees one state
// throughout. Answers are filed under the ARN they name first (one ARN
// lookup per read) and then by account, so that a lookup hashes an
// account ID, not a whole ARN.
type snapshot struct {
	version string
	state   atomic.Pointer[snapState]

	mu   sync.Mutex // serializes add
	size int        // answers kept, under mu
}

// snapState is the answers of a snapshot at one time. It is never
// changed once published.
type snapState struct {
	calls map[callKey]answer // queries naming no ARN
	arns  map[arn.ARN]*arnState
}

// arnState is the answers about one ARN (a graph's, or a tagged
// resource's). It is never changed once published.
type arnState struct {
	calls    map[arnCallKey]answer
	members  map[detective.AccountID]*detective.Member // nil: no record
	packages map[detective.AccountID]*packagesAnswer
}

func newSnapshot(v string) *snapshot {
	snap := &snapshot{version: v}
	snap.state.Store(&snapState{})
	return snap
}

// add files rec's answers, up to maxEntries in all; past that the
// snapshot answers what it has and the rest goes to the database.
func (snap *snapshot) add(rec *recording, maxEntries int) {
	snap.mu.Lock()
	defer snap.mu.Unlock()
	cur := snap.state.Load()
	next := &snapState{arns: cur.arns}
	next.calls, _ = addAnswers(cur.calls, rec.calls, &snap.size, maxEntries)
	arnsCopied := false
	for g, ra := range rec.arns {
		old := cur.arns[g]
		gs := &arnState{}
		c1, c2, c3 := false, false, false
		gs.calls, c1 = addAnswers(old.callMap(), ra.calls, &snap.size, maxEntries)
		gs.members, c2 = addAnswers(old.memberMap(), ra.members, &snap.size, maxEntries)
		gs.packages, c3 = addAnswers(old.packageMap(), ra.packages, &snap.size, maxEntries)
		if !c1 && !c2 && !c3 {
			continue // nothing new about g
		}
		if !arnsCopied {
			next.arns = make(map[arn.ARN]*arnState, len(cur.arns)+len(rec.arns))
			maps.Copy(next.arns, cur.arns)
			arnsCopied = true
		}
		next.arns[g] = gs
	}
	snap.state.Store(next)
}

func (gs *arnState) callMap() map[arnCallKey]answer {
	if gs == nil {
		return nil
	}
	return gs.calls
}

func (gs *arnState) memberMap() map[detective.AccountID]*detective.Member {
	if gs == nil {
		return nil
	}
	return gs.members
}

func (gs *arnState) packageMap() map[detective.AccountID]*packagesAnswer {
	if gs == nil {
		return nil
	}
	return gs.packages
}

// addAnswers returns kept with the answers of got it lacks, counted in
// size up to maxEntries: kept itself if there are none, else a copy,
// since kept may be being read; added says which.
func addAnswers[K comparable, V any](kept, got map[K]V, size *int, maxEntries int) (_ map[K]V, added bool) {
	var out map[K]V
	for k, a := range got {
		if *size >= maxEntries {
			break
		}
		if _, ok := kept[k]; ok {
			continue
		}
		if out == nil {
			out = make(map[K]V, len(kept)+len(got))
			maps.Copy(out, kept)
		}
		out[k] = a
		*size++
	}
	if out == nil {
		return kept, false
	}
	return out, true
}
