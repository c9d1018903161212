package investigate

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/detective-local/detective-local/internal/detective"
)

// ThreatList is a set of IP addresses and networks known to be malicious.
type ThreatList interface {
	// Lookup returns how an address is listed, and false when it is not.
	Lookup(ip netip.Addr) (Threat, bool)
}

// Threat is how an address is listed.
type Threat struct {
	Score int    // number of lists it is on (1 for lists without scores)
	List  string // the list's name, for explanations
}

// reasonThreatIntel is the model's only FlaggedIpAddressDetail.Reason.
const reasonThreatIntel = "AWS_THREAT_INTELLIGENCE"

// detectFlagged reports the source IPs the entity used in scope, and the
// remote IPs of its related findings, that are on a threat list with at
// least ThreatMinScore. Succeeded records whether a flagged IP made a
// successful call, which weighs on severity.
func detectFlagged(in *input, threats ThreatList, s Settings) []result {
	type flagged struct {
		threat    Threat
		calls     []Call
		findings  []string
		succeeded bool
	}
	byIP := map[netip.Addr]*flagged{}
	lookup := func(ip string) *flagged {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return nil // a DNS name: a call made by an AWS service
		}
		a = a.Unmap()
		if f, ok := byIP[a]; ok {
			return f
		}
		var f *flagged
		if t, ok := threats.Lookup(a); ok && t.Score >= s.ThreatMinScore {
			f = &flagged{threat: t}
		}
		byIP[a] = f
		return f
	}
	for _, c := range in.scoped {
		if f := lookup(c.SourceIP); f != nil {
			f.calls = append(f.calls, c)
			f.succeeded = f.succeeded || c.Success > 0
		}
	}
	for _, fd := range in.related {
		for _, ip := range fd.RemoteIPs {
			if f := lookup(ip); f != nil && !slices.Contains(f.findings, fd.ID) {
				f.findings = append(f.findings, fd.ID)
			}
		}
	}
	ips := make([]netip.Addr, 0, len(byIP))
	for a, f := range byIP {
		if f != nil {
			ips = append(ips, a)
		}
	}
	slices.SortFunc(ips, netip.Addr.Compare)
	out := make([]result, 0, len(ips))
	for _, a := range ips {
		f := byIP[a]
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorFlaggedIPAddress, Detail: map[string]any{
				"IpAddress": a.String(),
				"Reason":    reasonThreatIntel,
			}},
			succeeded: f.succeeded,
			why: Why{
				Rule: fmt.Sprintf("%s is on %s with score %d (minimum %d); %d hourly aggregates of calls from it in scope, %d related findings",
					a, f.threat.List, f.threat.Score, s.ThreatMinScore, len(f.calls), len(f.findings)),
				Calls:    f.calls,
				Findings: f.findings,
			},
		})
	}
	return out
}
