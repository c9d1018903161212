package app

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/readmodel"
)

// readModel puts the in-memory read model in front of store when opened,
// the store under it, names its data versions, as both stores do.
func readModel(store, opened Store) detective.Store {
	v, ok := opened.(dataVersioner)
	if !ok {
		return store
	}
	rm := readmodel.New(versionedStore{Store: store, versions: v}, 0)
	if bs, ok := opened.(volumeMeter); ok {
		rm = rm.WithLiveVolume(liveVolume{bs})
	}
	return rm
}

// liveVolume reads measured volume from the behavior store outside any
// transaction, for reads the read model answers from memory.
type liveVolume struct{ store volumeMeter }

func (v liveVolume) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	vs, err := v.store.MeasuredVolume(ctx, graph, accounts, since)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	out := make(map[detective.AccountID]detective.MeasuredVolume, len(vs))
	for _, a := range vs {
		out[a.Account] = detective.MeasuredVolume{Bytes: a.Bytes, LastIngest: a.LastIngest}
	}
	return out, nil
}

type dataVersioner interface {
	DataVersion(ctx context.Context) (string, error)
}

// versionedStore is store with the data versions of the store under it.
type versionedStore struct {
	Store
	versions dataVersioner
}

func (s versionedStore) DataVersion(ctx context.Context) (string, error) {
	return s.versions.DataVersion(ctx)
}

// volumeMeter is the part of behavior.Store that liveVolume reads.
type volumeMeter interface {
	MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error)
}

// ReadModel is store with the read model in front of it, as Start puts it
// in front of the Detective service, for benchmarks that build the
// service themselves.
func ReadModel(store Store) detective.Store { return readModel(store, store) }
