package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/world"
)

// VolumeReader is a Tx of a store that also meters what graphs ingest,
// as both stores do. The Service reads volume through the Tx it already
// holds: a second connection from inside a write could wait for one that
// writers hold (PostgreSQL's pool) or for the write itself (SQLite's
// in-memory database). A Tx without it has only the account facts.
type VolumeReader interface {
	// MeasuredVolume returns, for each of accounts that has ever ingested
	// into graph, the raw bytes per package it ingested at or after since
	// and the time of its last ingest. Accounts that never ingested are
	// absent.
	MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []AccountID, since time.Time) (map[AccountID]MeasuredVolume, error)
}

// GraphVolumeReader is a VolumeReader that also reads at once what every
// account that ingested into a graph measured, as both stores'
// transactions do: the volume check then reads the few members that
// ingested rather than every member.
type GraphVolumeReader interface {
	VolumeReader
	// GraphMeasuredVolume is MeasuredVolume for every account that has
	// ever ingested into graph.
	GraphMeasuredVolume(ctx context.Context, graph arn.ARN, since time.Time) (map[AccountID]MeasuredVolume, error)
}

// MeasuredVolume is one account's measured volume in a graph.
type MeasuredVolume struct {
	Bytes      map[DatasourcePackage]int64
	LastIngest time.Time
}

// volumeWindow is the span VolumeUsageInBytes covers: the last 24 hours,
// rolling, so that an ingest shows at once.
const volumeWindow = 24 * time.Hour

// measuredVolume returns what was measured for accounts in graph over the
// last day; nil when tx has no meter.
func measuredVolume(ctx context.Context, tx Tx, graph arn.ARN, accounts []AccountID, now time.Time) (map[AccountID]MeasuredVolume, error) {
	vr, ok := tx.(VolumeReader)
	if !ok || len(accounts) == 0 {
		return nil, nil
	}
	return vr.MeasuredVolume(ctx, graph, accounts, now.Add(-volumeWindow))
}

// graphMeasuredVolume returns what was measured for every account that
// ingested into graph, over the last day; nil when tx has no meter.
func graphMeasuredVolume(ctx context.Context, tx Tx, graph arn.ARN, now time.Time) (map[AccountID]MeasuredVolume, error) {
	vr, ok := tx.(GraphVolumeReader)
	if !ok {
		return nil, nil
	}
	return vr.GraphMeasuredVolume(ctx, graph, now.Add(-volumeWindow))
}

// storedVolume is the volume of the started packages of ps as stored with
// them: a member's account facts when it was enabled. MemberVolume sums
// the same.
func storedVolume(ps []PackageState) int64 {
	var v int64
	for _, p := range ps {
		if p.State == IngestStarted {
			v += p.VolumeBytes
		}
	}
	return v
}

// dailyVolume is an account's daily volume over the started packages of
// ps: measured once the account has ingested into the graph, and its
// account facts (the estimate AWS makes for a new member) until then.
func dailyVolume(facts world.Account, measured map[AccountID]MeasuredVolume, ps []PackageState) int64 {
	mv, ok := measured[facts.ID]
	var v int64
	for _, p := range ps {
		if p.State != IngestStarted {
			continue
		}
		if ok {
			v += mv.Bytes[p.Package]
		} else {
			v += facts.Volume[string(p.Package)]
		}
	}
	return v
}

// withMeasured returns ps with each package's volume and its time as
// measured in mv.
func withMeasured(ps []PackageState, mv MeasuredVolume) []PackageState {
	out := make([]PackageState, len(ps))
	for i, p := range ps {
		p.VolumeBytes, p.VolumeTime = mv.Bytes[p.Package], mv.LastIngest.UTC().Truncate(time.Millisecond)
		out[i] = p
	}
	return out
}
