package behavior

import (
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Membership is one graph of a record's region that its account belongs
// to, as stored: the graph it administers (Admin) or one it is a member of
// in any status. Route decides which of them take the record.
type Membership struct {
	Graph arn.ARN
	// Admin is true when the account administers Graph; Packages are then
	// the graph's own package states, and Status and VerifiedTime unused.
	Admin        bool
	Status       detective.MemberStatus
	VerifiedTime time.Time
	// Packages are the account's package states in Graph.
	Packages []detective.PackageState
}

// SkipReason says why a record entered no graph, or not a given graph.
type SkipReason string

// The reasons a record is skipped, as Result.Skipped counts them.
const (
	SkipNoGraph           SkipReason = "no-graph"            // no graph of its region has its account as admin or ENABLED member
	SkipPackageNotStarted SkipReason = "package-not-started" // its account's graphs have its package stopped or disabled
	SkipDataEvent         SkipReason = "data-event"          // a CloudTrail data event: Detective ingests management events only
	SkipDuplicate         SkipReason = "duplicate"           // every graph it routes to has it already
	SkipNoData            SkipReason = "nodata"              // a flow log record with log-status NODATA or SKIPDATA
	SkipNoAccount         SkipReason = "no-account"          // neither the record nor the ingest call names its account
	SkipNoRegion          SkipReason = "no-region"           // neither the record nor the ingest call names its region
	SkipVolumeLimit       SkipReason = "graph-volume-limit"  // the graph ingested more than its daily hard limit
)

// Route returns the graphs among ms that take a record of package pkg at
// now (Detective routes by membership at ingest time, as a stream): those
// the account administers or is an ENABLED member of, with pkg STARTED for
// it. With no graph, reason says why: SkipNoGraph when the account
// administers or is enabled in none, SkipPackageNotStarted when it is but
// pkg is not started there.
func Route(ms []Membership, pkg detective.DatasourcePackage, now time.Time) (graphs []arn.ARN, reason SkipReason) {
	reason = SkipNoGraph
	for _, m := range ms {
		if !m.Admin {
			member := detective.Member{Status: m.Status, VerifiedTime: m.VerifiedTime}.At(now)
			if member.Status != detective.MemberStatusEnabled {
				continue
			}
		}
		if !started(m.Packages, pkg) {
			reason = SkipPackageNotStarted
			continue
		}
		graphs = append(graphs, m.Graph)
	}
	if len(graphs) > 0 {
		reason = ""
	}
	return graphs, reason
}

func started(ps []detective.PackageState, pkg detective.DatasourcePackage) bool {
	for _, p := range ps {
		if p.Package == pkg {
			return p.State == detective.IngestStarted
		}
	}
	return false
}

// Admissible returns why a record enters no graph whatever the membership
// (a data event, a flow record without data, no account or region), or ""
// when it may be routed.
func Admissible(r *Record) SkipReason {
	switch {
	case r.Account == "":
		return SkipNoAccount
	case r.Region == "":
		return SkipNoRegion
	case r.Kind == KindAPICall && r.API != nil && !r.API.Management:
		return SkipDataEvent
	case r.Kind == KindFlow && r.Flow != nil && r.Flow.LogStatus != "" && r.Flow.LogStatus != "OK":
		return SkipNoData
	}
	return ""
}
