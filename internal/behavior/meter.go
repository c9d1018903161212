package behavior

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Meter is the detective.VolumeMeter of a Store: the volume that
// VolumeUsageInBytes, VOLUME_TOO_HIGH and the member quota checks use is
// what the graph actually ingested.
type Meter struct {
	Store Store
}

var _ detective.VolumeMeter = Meter{}

// MeasuredVolume implements detective.VolumeMeter.
func (m Meter) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	vs, err := m.Store.MeasuredVolume(ctx, graph, accounts, since)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	out := make(map[detective.AccountID]detective.MeasuredVolume, len(vs))
	for _, v := range vs {
		out[v.Account] = detective.MeasuredVolume{Bytes: v.Bytes, LastIngest: v.LastIngest}
	}
	return out, nil
}
