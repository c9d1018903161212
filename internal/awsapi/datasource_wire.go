package awsapi

import (
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// timestampForCollection is the model's TimestampForCollection.
type timestampForCollection struct {
	Timestamp *string `json:"Timestamp,omitempty"`
}

// lastIngestStateChange maps each state a package has entered to when it
// last entered it; states never entered are left out.
func lastIngestStateChange(p detective.PackageState) map[string]timestampForCollection {
	m := make(map[string]timestampForCollection, 3)
	for state, t := range map[detective.IngestState]time.Time{
		detective.IngestStarted: p.Started, detective.IngestStopped: p.Stopped, detective.IngestDisabled: p.Disabled,
	} {
		if !t.IsZero() {
			m[string(state)] = timestampForCollection{Timestamp: isoTime(t)}
		}
	}
	return m
}

// ingestHistory is the model's DatasourcePackageIngestHistory.
func ingestHistory(ps []detective.PackageState) map[string]map[string]timestampForCollection {
	h := make(map[string]map[string]timestampForCollection, len(ps))
	for _, p := range ps {
		h[string(p.Package)] = lastIngestStateChange(p)
	}
	return h
}

// membershipDatasources is the model's MembershipDatasources.
type membershipDatasources struct {
	AccountId                      string                                       `json:"AccountId"`
	GraphArn                       string                                       `json:"GraphArn"`
	DatasourcePackageIngestHistory map[string]map[string]timestampForCollection `json:"DatasourcePackageIngestHistory"`
}

func newMembershipDatasources(ms []detective.MemberDatasources) []membershipDatasources {
	out := make([]membershipDatasources, len(ms))
	for i, m := range ms {
		out[i] = membershipDatasources{AccountId: string(m.Account), GraphArn: m.Graph.String(), DatasourcePackageIngestHistory: ingestHistory(m.Packages)}
	}
	return out
}

var packageNames = func() []string {
	var names []string
	for _, p := range detective.DatasourcePackages() {
		names = append(names, string(p))
	}
	return names
}()
