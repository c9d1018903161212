package investigate

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// testGraph is the behavior graph every test investigates in.
func testGraph() arn.ARN {
	return arn.Graph("us-east-1", "111122223333", "0123456789abcdef0123456789abcdef")
}

// world is an in-memory behavior graph: the hourly aggregates of every
// principal, who issued which session, and the findings. It answers
// Evidence the way a store of aggregates does, by filtering.
type world struct {
	calls    []Call
	issuer   map[string]string // session or federated user → its role or user
	findings []Finding
	reads    int // calls to Calls, to show the engine reads once
}

func newWorld() *world { return &world{issuer: map[string]string{}} }

func (w *world) add(calls ...Call) { w.calls = append(w.calls, calls...) }

func accountOf(principal string) string {
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func (w *world) Sessions(_ context.Context, _ arn.ARN, entity string, from, to time.Time) ([]string, error) {
	seen := map[string]bool{}
	for _, c := range w.calls {
		if w.issuer[c.Principal] == entity && overlaps(c.First, c.Last, from, to) {
			seen[c.Principal] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

// Calls counts a session's calls under its issuer too, as the behavior
// graph does.
func (w *world) Calls(_ context.Context, _ arn.ARN, entity string, from, to time.Time, each func(Call)) error {
	w.reads++
	for _, c := range w.calls {
		if (c.Principal == entity || w.issuer[c.Principal] == entity) && overlaps(c.First, c.Last, from, to) {
			each(c)
		}
	}
	return nil
}

// AccountSeen answers with everything the account used, more than was
// asked, as the interface allows.
func (w *world) AccountSeen(_ context.Context, _ arn.ARN, account string, from, before time.Time, _ Profile) (Profile, error) {
	var p Profile
	for _, c := range w.calls {
		if accountOf(c.Principal) != account || c.Last.Before(from) || !c.First.Before(before) {
			continue
		}
		p.UserAgents = append(p.UserAgents, c.UserAgent)
		if c.Location != nil {
			p.Locations = append(p.Locations, *c.Location)
		}
		if c.ASO != nil {
			p.ASOs = append(p.ASOs, *c.ASO)
		}
	}
	return p, nil
}

func (w *world) DataSince(_ context.Context, _ arn.ARN, account string) (time.Time, bool, error) {
	var oldest time.Time
	for _, c := range w.calls {
		if accountOf(c.Principal) == account && (oldest.IsZero() || c.First.Before(oldest)) {
			oldest = c.First
		}
	}
	return oldest, !oldest.IsZero(), nil
}

func (w *world) Findings(_ context.Context, _ arn.ARN, _ string, from, to time.Time) ([]Finding, error) {
	var out []Finding
	for _, f := range w.findings {
		if start, end := f.window(); overlaps(start, end, from, to) {
			out = append(out, f)
		}
	}
	return out, nil
}

// ttpTable maps "eventSource:eventName" to one TTP; a key ending in "!"
// matches failed calls only, as a mapping conditioned on errorCode.
type ttpTable map[string]TTP

func (t ttpTable) Match(c Call) []TTP {
	var out []TTP
	if m, ok := t[c.EventSource+":"+c.EventName+"!"]; ok && c.Failure > 0 {
		out = append(out, m)
	}
	if m, ok := t[c.EventSource+":"+c.EventName]; ok {
		out = append(out, m)
	}
	return out
}

// threatList is a list of networks with scores.
type threatList map[netip.Prefix]int

func (l threatList) Lookup(ip netip.Addr) (Threat, bool) {
	for p, score := range l {
		if p.Contains(ip) {
			return Threat{Score: score, List: "test-list"}, true
		}
	}
	return Threat{}, false
}

func mustPrefix(s string) netip.Prefix {
	if !strings.Contains(s, "/") {
		return netip.PrefixFrom(netip.MustParseAddr(s), 32)
	}
	return netip.MustParsePrefix(s)
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// place is where an IP is: its location and ASO.
type place struct {
	loc Location
	aso ASO
}

// call builds one hourly aggregate of principal calling api
// ("source:name") from ip at place p between first and last.
func call(principal, api, ip string, p *place, ua string, first, last time.Time, success, failure int64) Call {
	source, name, _ := strings.Cut(api, ":")
	c := Call{
		Principal: principal, Hour: first.Truncate(time.Hour), First: first, Last: last,
		EventSource: source, EventName: name, SourceIP: ip, UserAgent: ua,
		Success: success, Failure: failure,
	}
	if p != nil {
		loc, aso := p.loc, p.aso
		c.Location, c.ASO = &loc, &aso
	}
	return c
}

// daily adds, for each day in [from, to), one aggregate per hour in hours
// of principal calling api from ip.
func (w *world) daily(principal, api, ip string, p *place, ua string, from, to time.Time, hours ...int) {
	for d := from; d.Before(to); d = d.Add(24 * time.Hour) {
		for _, h := range hours {
			first := d.Add(time.Duration(h)*time.Hour + 5*time.Minute)
			w.add(call(principal, api, ip, p, ua, first, first.Add(20*time.Minute), 3, 0))
		}
	}
}
