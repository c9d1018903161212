package investigate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/detective-local/detective-local/internal/detective"
)

// TTPTable maps API calls to the tactics, techniques and procedures they
// are evidence of.
type TTPTable interface {
	// Match returns the mappings that apply to an aggregate, most specific
	// first; none for an ordinary call. A mapping conditioned on an error
	// code applies when the aggregate has failures; one conditioned on
	// the record's parameters, when c.Mapping names it.
	Match(c Call) []TTP
}

// TTP is one mapping of an API call to ATT&CK.
type TTP struct {
	Tactic    string // e.g. "Persistence"
	Technique string // e.g. "T1098.001 Additional Cloud Credentials"
	Procedure string // what the call did, in a short sentence
}

// detectTTPs reports each mapped API the entity called in scope, one
// indicator per (API, source IP), with the calls' success and failure
// counts summed over the hours. The mapping shown is the first one of the
// earliest matching aggregate.
func detectTTPs(in *input, table TTPTable) []result {
	type key struct{ source, name, ip string }
	type observed struct {
		key
		ttp              TTP
		success, failure int64
		calls            []Call
	}
	byKey := map[key]*observed{}
	for _, c := range in.scoped {
		ttps := table.Match(c)
		if len(ttps) == 0 {
			continue
		}
		k := key{c.EventSource, c.EventName, c.SourceIP}
		o := byKey[k]
		if o == nil {
			o = &observed{key: k, ttp: ttps[0]}
			byKey[k] = o
		}
		o.success += c.Success
		o.failure += c.Failure
		o.calls = append(o.calls, c)
	}
	all := make([]*observed, 0, len(byKey))
	for _, o := range byKey {
		all = append(all, o)
	}
	slices.SortFunc(all, func(a, b *observed) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.source, b.source), cmp.Compare(a.ip, b.ip))
	})
	out := make([]result, 0, len(all))
	for _, o := range all {
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorTTPObserved, Detail: map[string]any{
				"Tactic":          o.ttp.Tactic,
				"Technique":       o.ttp.Technique,
				"Procedure":       o.ttp.Procedure,
				"IpAddress":       o.ip,
				"APIName":         o.name,
				"APISuccessCount": o.success,
				"APIFailureCount": o.failure,
			}},
			tactic:    o.ttp.Tactic,
			succeeded: o.success > 0,
			why: Why{
				Rule: fmt.Sprintf("%s:%s from %s is mapped to %s (%s): %d successful, %d failed calls in %d hourly aggregates",
					o.source, o.name, o.ip, o.ttp.Technique, o.ttp.Tactic, o.success, o.failure, len(o.calls)),
				Calls: o.calls,
			},
		})
	}
	return out
}

// compareCalls orders aggregates by time, then by what they aggregate, so
// that every output built from them is deterministic.
func compareCalls(a, b Call) int {
	return cmp.Or(a.First.Compare(b.First), a.Last.Compare(b.Last),
		cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.EventSource, b.EventSource),
		cmp.Compare(a.EventName, b.EventName), cmp.Compare(a.SourceIP, b.SourceIP),
		cmp.Compare(a.UserAgent, b.UserAgent), cmp.Compare(a.Mapping, b.Mapping))
}
