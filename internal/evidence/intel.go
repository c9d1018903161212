package evidence

import (
	"net/netip"
	"strings"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
)

// TTPs is the TTP table as the engine matches aggregates against it.
//
// An aggregate keeps the API, its source IP, user agent and success and
// failure counts, not the records' parameters. So a row matches an
// aggregate when it has no condition, or its condition tests only the
// user agent (which the aggregate keeps); a row conditioned on request
// parameters, response elements, the identity type or an error code
// matches only when the aggregate names it (Call.Mapping), which takes an
// ingest that records the mapping its calls met.
type TTPs struct {
	Table *ttp.Table
}

var _ investigate.TTPTable = TTPs{}

// Match returns the rows that apply to c, in table order.
func (t TTPs) Match(c investigate.Call) []investigate.TTP {
	var out []investigate.TTP
	for _, m := range t.Table.Match(behavior.APICall{EventSource: c.EventSource, EventName: c.EventName, UserAgent: c.UserAgent}) {
		if m.Condition == "" || userAgentOnly(m.Condition) {
			out = append(out, investigate.TTP{Tactic: m.Tactic, Technique: m.Technique, Procedure: m.Procedure})
		}
	}
	if c.Mapping != "" {
		if m, ok := t.Table.Lookup(c.Mapping); ok && m.Condition != "" && !userAgentOnly(m.Condition) {
			out = append(out, investigate.TTP{Tactic: m.Tactic, Technique: m.Technique, Procedure: m.Procedure})
		}
	}
	return out
}

// userAgentOnly reports whether every clause of a condition tests the
// user agent.
func userAgentOnly(condition string) bool {
	for clause := range strings.SplitSeq(condition, " and ") {
		if !strings.HasPrefix(strings.TrimSpace(clause), "userAgent") {
			return false
		}
	}
	return true
}

// Threats is the threat lists plus the remote IPs that an account's
// findings name, which are listed with score findingScore under the list
// name "finding <ID>": a GuardDuty finding about an address is threat
// intelligence about it.
type Threats struct {
	Lists        *threatintel.Set
	findingIPs   map[netip.Addr]string
	findingScore int
}

// WithFindings returns the lists plus the remote IPs of findings.
func (t Threats) WithFindings(findings []investigate.Finding, score int) Threats {
	t.findingIPs, t.findingScore = map[netip.Addr]string{}, max(score, 1)
	for _, f := range findings {
		for _, ip := range f.RemoteIPs {
			if a, err := netip.ParseAddr(ip); err == nil {
				if _, ok := t.findingIPs[a.Unmap()]; !ok {
					t.findingIPs[a.Unmap()] = "finding " + f.ID
				}
			}
		}
	}
	return t
}

var _ investigate.ThreatList = Threats{}

// Lookup returns the strongest listing of ip.
func (t Threats) Lookup(ip netip.Addr) (investigate.Threat, bool) {
	m, ok := t.Lists.Contains(ip)
	th := investigate.Threat{Score: m.Score, List: m.List}
	if list, found := t.findingIPs[ip.Unmap()]; found && (!ok || t.findingScore > th.Score) {
		th, ok = investigate.Threat{Score: t.findingScore, List: list}, true
	}
	return th, ok
}
