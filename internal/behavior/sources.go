package behavior

import (
	"maps"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// SourceRow says that an account's principals used a user agent or a
// source address on a day. It summarizes the API-call rows, a few per
// account and day instead of one per principal, hour, API, address and
// agent, so that what a whole account used over weeks is one short range
// read.
type SourceRow struct {
	Graph   arn.ARN
	Account detective.AccountID
	Day     time.Time
	Kind    SourceKind
	Value   string
}

// SourceKind says what a SourceRow's Value is.
type SourceKind string

// The kinds of source an account's calls come from.
const (
	SourceUserAgent SourceKind = "user-agent"
	SourceAddress   SourceKind = "source-ip"
)

// Day returns t's day (UTC), the granularity of SourceRows.
func Day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// SourceRows returns the distinct source rows of calls, which the stores
// keep beside the calls themselves.
func SourceRows(calls []APICallRow) []SourceRow {
	seen := make(map[SourceRow]bool, 2*len(calls))
	var out []SourceRow
	add := func(r SourceRow) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, c := range calls {
		day := Day(c.Hour)
		add(SourceRow{Graph: c.Graph, Account: c.Account, Day: day, Kind: SourceUserAgent, Value: c.UserAgent})
		add(SourceRow{Graph: c.Graph, Account: c.Account, Day: day, Kind: SourceAddress, Value: c.SourceIP})
	}
	return out
}

// SplitDays splits [from, to) into the whole days it covers, [daysFrom,
// daysTo), and what is left at either end, which AccountSources reads
// from the hourly rows. ok is false when it covers no whole day, and all
// of [from, to) is hours.
func SplitDays(from, to time.Time) (daysFrom, daysTo time.Time, ok bool) {
	daysFrom = Day(from)
	if daysFrom.Before(from) {
		daysFrom = daysFrom.Add(24 * time.Hour)
	}
	daysTo = Day(to)
	return daysFrom, daysTo, daysFrom.Before(daysTo)
}

// SourceSet gathers the distinct sources of an AccountSources read, which
// comes from the daily rows and the hourly ones at either end.
type SourceSet map[SourceKind]map[string]bool

// NewSourceSet returns an empty SourceSet.
func NewSourceSet() SourceSet {
	return SourceSet{SourceUserAgent: {}, SourceAddress: {}}
}

// Add adds a source; one of an unknown kind is ignored.
func (s SourceSet) Add(kind SourceKind, v string) {
	if m := s[kind]; m != nil {
		m[v] = true
	}
}

// Sources returns the set's sources, each list sorted.
func (s SourceSet) Sources() Sources {
	sorted := func(m map[string]bool) []string {
		if len(m) == 0 {
			return nil
		}
		return slices.Sorted(maps.Keys(m))
	}
	return Sources{UserAgents: sorted(s[SourceUserAgent]), SourceIPs: sorted(s[SourceAddress])}
}
