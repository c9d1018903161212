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
	bs, ok := opened.(volumeMeter)
	if !ok {
		return readmodel.New(versionedStore{Store: store, versions: v}, 0)
	}
	if pair, ok := opened.(versionPair); ok {
		return readmodel.New(pairedStore{versionedStore{Store: store, versions: v}, pair}, 0).WithVolume(liveVolume{bs})
	}
	return readmodel.New(versionedStore{Store: store, versions: v}, 0).WithVolume(liveVolume{bs})
}

// liveVolume reads measured volume from the behavior store outside any
// transaction, for reads the read model answers from memory.
type liveVolume struct{ store volumeMeter }

func (v liveVolume) VolumeVersion(ctx context.Context) (string, error) {
	return v.store.VolumeVersion(ctx)
}

func (v liveVolume) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	return behavior.ByAccount(v.store.MeasuredVolume(ctx, graph, accounts, since))
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

// pairedStore is a versionedStore that names both versions at once, as
// both stores can.
type pairedStore struct {
	versionedStore
	pair versionPair
}

func (s pairedStore) Versions(ctx context.Context) (data, volume string, err error) {
	return s.pair.Versions(ctx)
}

type versionPair interface {
	Versions(ctx context.Context) (data, volume string, err error)
}

// volumeMeter is the part of behavior.Store that liveVolume reads, with
// the version naming the volume it reads.
type volumeMeter interface {
	MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error)
	VolumeVersion(ctx context.Context) (string, error)
}

// ReadModel is store with the read model in front of it, as Start puts it
// in front of the Detective service, for benchmarks that build the
// service themselves.
func ReadModel(store Store) detective.Store { return readModel(store, store) }
