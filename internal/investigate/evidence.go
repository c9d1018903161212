package investigate

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// Evidence is what an investigation reads from a behavior graph. Each
// method is one or a few indexed range reads over the graph's hourly
// aggregates, whatever the raw volume behind them. Time ranges are
// inclusive at both ends; an aggregate is in a range when its activity
// [First, Last] overlaps it.
type Evidence interface {
	// Sessions returns the principals entity issued that were active in
	// [from, to]: for a role, the ARNs of its sessions
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); for a user, the
	// federated users it issued (arn:aws:sts::ACCOUNT:federated-user/NAME).
	// Findings naming them are findings about the entity.
	Sessions(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) ([]string, error)
	// Calls passes each to every hourly API-call aggregate counted under
	// entity in [from, to], in any order. As the behavior graph counts
	// them, a role's aggregates include the calls of every session it
	// issued, and a user's those of the federated users it issued, so one
	// range read covers them. It streams, rather than returning a slice,
	// because a busy principal has hundreds of thousands of aggregates
	// over a baseline, of which the engine keeps only those in scope.
	Calls(ctx context.Context, graph arn.ARN, entity string, from, to time.Time, each func(Call)) error
	// AccountSeen returns which of want's user agents, locations and ASOs
	// any principal of account used from from until before before (the
	// baseline: aggregates whose First is in [from, before)). It may
	// return more than was asked; the engine looks up only what it asked
	// for.
	AccountSeen(ctx context.Context, graph arn.ARN, account string, from, before time.Time, want Profile) (Profile, error)
	// DataSince returns the time of the oldest data the graph holds for
	// account, and false when it holds none.
	DataSince(ctx context.Context, graph arn.ARN, account string) (time.Time, bool, error)
	// Findings returns the findings of account whose activity window
	// overlaps [from, to], in any order.
	Findings(ctx context.Context, graph arn.ARN, account string, from, to time.Time) ([]Finding, error)
}

// Call is one hourly aggregate: the calls one principal made in one hour
// to one API from one source IP with one user agent.
type Call struct {
	Principal   string    // the entity it is counted under
	Hour        time.Time // start of the hour aggregated
	First, Last time.Time // exact times of the first and last call
	EventSource string    // e.g. "iam.amazonaws.com"
	EventName   string    // e.g. "CreateAccessKey"
	SourceIP    string    // verbatim; a DNS name for calls made by AWS services
	UserAgent   string
	Success     int64     // calls without an errorCode
	Failure     int64     // calls with one
	Location    *Location // nil when the source IP has none
	ASO         *ASO      // nil when the source IP has none
	// Mapping names the TTP mapping the calls met at ingest, when the
	// store keys aggregates by it, and is "" otherwise. A mapping
	// conditioned on request parameters or response elements can only be
	// decided on the full record; TTPTable.Match reads this to honour it.
	Mapping string
}

// Location is where an IP address is, as enrichment found it.
type Location struct {
	City, Region, Country, CountryCode string
	Latitude, Longitude                float64
}

// String is the location as indicators show it: the non-empty parts of
// city, region and country, most precise first.
func (l Location) String() string {
	parts := make([]string, 0, 3)
	for _, p := range []string{l.City, l.Region, l.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return l.CountryCode
	}
	return strings.Join(parts, ", ")
}

// ASO is the autonomous system an IP address belongs to.
type ASO struct {
	Number       uint32
	Organization string
}

// String is the ASO as indicators show it: its organization, or its
// number when the database names none.
func (a ASO) String() string {
	if a.Organization != "" {
		return a.Organization
	}
	return "AS" + strconv.FormatUint(uint64(a.Number), 10)
}

// Profile is a set of user agents, locations and ASOs: what the engine asks
// AccountSeen about, and what it answers.
type Profile struct {
	UserAgents []string
	Locations  []Location
	ASOs       []ASO
}

// Finding is a GuardDuty or Security Hub finding with the entities it
// involves.
type Finding struct {
	ID, ARN string
	Type    string // GuardDuty type, or the first ASFF Types entry
	// Severity is the ASFF label (INFORMATIONAL … CRITICAL); when empty,
	// it is derived from Score on Source's scale.
	Severity             string
	Score                float64
	Source               string // "guardduty" or "securityhub"
	CreatedAt, UpdatedAt time.Time
	// FirstSeen and LastSeen bound the activity; when zero, CreatedAt and
	// UpdatedAt do.
	FirstSeen, LastSeen time.Time

	Principals   []string // ARNs of users, roles and role sessions
	UserNames    []string // AccessKeyDetails.UserName: a user's or role's name
	AccessKeyIDs []string
	RemoteIPs    []string // remote IPs of its action
	InstanceIDs  []string
	Buckets      []string
	Clusters     []string
}

// window returns the finding's activity window.
func (f Finding) window() (start, end time.Time) {
	start, end = f.FirstSeen, f.LastSeen
	if start.IsZero() {
		start = f.CreatedAt
	}
	if end.IsZero() {
		end = f.UpdatedAt
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}
