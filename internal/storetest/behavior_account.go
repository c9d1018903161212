package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// testAccountReads checks the reads an investigation makes of a whole
// account: the sources its principals used, its oldest data, its findings.
func testAccountReads(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	a, other := acct(1), acct(2)
	call := func(account detective.AccountID, id string, when time.Time, ip, agent string) *behavior.Record {
		r := apiRecord(account, id, when, "")
		r.API.SourceIP, r.API.UserAgent = ip, agent
		return r
	}
	b := behavior.NewBatch()
	b.Add(g, call(a, "e1", base.Add(time.Hour), "203.0.113.7", "aws-cli/2"), base)
	b.Add(g, call(a, "e2", base.Add(3*time.Hour), "198.51.100.1", "Boto3/1.34"), base)
	b.Add(g, call(a, "e3", base.Add(5*time.Hour), "192.0.2.9", "curl/8"), base)
	b.Add(g, call(other, "e4", base.Add(time.Hour), "192.0.2.200", "other-agent"), base)
	finding := func(account detective.AccountID, id string) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindFinding, Account: account, Region: region,
			Package: detective.PackageDetectiveCore, Time: base, Size: 100, Key: id,
			Finding: &behavior.Finding{Source: behavior.SourceGuardDuty, ID: id, ARN: "arn:aws:guardduty:" + id,
				Type: "Recon:EC2/PortProbeUnprotectedPort", Severity: "HIGH", SeverityScore: 8,
				CreatedAt: base, UpdatedAt: base, RemoteIPs: []string{"198.51.100.2"}}}
	}
	b.Add(g, finding(a, "f2"), base)
	b.Add(g, finding(a, "f1"), base)
	b.Add(g, finding(other, "f3"), base)
	mustPut(t, s, b)
	ctx := t.Context()
	h := behavior.Hour(base)

	want := behavior.Sources{UserAgents: []string{"Boto3/1.34", "aws-cli/2"}, SourceIPs: []string{"198.51.100.1", "203.0.113.7"}}
	if diff := cmp.Diff(want, must(s.AccountSources(ctx, g, a, h, h.Add(5*time.Hour)))(t)); diff != "" {
		t.Errorf("AccountSources([0h, 5h)) mismatch (-want +got):\n%s", diff)
	}
	if got := must(s.AccountSources(ctx, g, acct(3), h, h.Add(5*time.Hour)))(t); len(got.UserAgents)+len(got.SourceIPs) != 0 {
		t.Errorf("AccountSources(account with no data) = %+v, want none", got)
	}

	// Over days: the whole days come from the daily summary, the hours at
	// either end from the hourly rows, exactly: a call in the first day
	// but before from is left out.
	days := behavior.NewBatch()
	days.Add(g, call(a, "d1", h.Add(-81*time.Hour), "192.0.2.81", "too-early"), base)
	days.Add(g, call(a, "d2", h.Add(-79*time.Hour), "192.0.2.79", "first-day-agent"), base)
	days.Add(g, call(a, "d3", h.Add(-48*time.Hour), "192.0.2.48", "whole-day-agent"), base)
	days.Add(g, call(a, "d4", h.Add(7*time.Hour), "192.0.2.7", "too-late"), base)
	mustPut(t, s, days)
	want = behavior.Sources{UserAgents: []string{"Boto3/1.34", "aws-cli/2", "first-day-agent", "whole-day-agent"},
		SourceIPs: []string{"192.0.2.48", "192.0.2.79", "198.51.100.1", "203.0.113.7"}}
	if diff := cmp.Diff(want, must(s.AccountSources(ctx, g, a, h.Add(-80*time.Hour), h.Add(5*time.Hour)))(t)); diff != "" {
		t.Errorf("AccountSources([-80h, 5h)) mismatch (-want +got):\n%s", diff)
	}

	first, ok, err := s.AccountFirstHour(ctx, g, a)
	if err != nil || !ok || !first.Equal(h.Add(-81*time.Hour)) {
		t.Errorf("AccountFirstHour = %v, %v, %v; want %v", first, ok, err, h.Add(-81*time.Hour))
	}
	if _, ok, err := s.AccountFirstHour(ctx, g, acct(3)); ok || err != nil {
		t.Errorf("AccountFirstHour(account with no data) = %v, %v; want false", ok, err)
	}

	ids := func(rows []behavior.FindingRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Finding.ID)
		}
		return out
	}
	if got := ids(must(s.GraphFindings(ctx, g, a))(t)); !cmp.Equal(got, []string{"f1", "f2"}) {
		t.Errorf("GraphFindings(account) = %v, want [f1 f2]", got)
	}
	if got := ids(must(s.GraphFindings(ctx, g, ""))(t)); !cmp.Equal(got, []string{"f1", "f2", "f3"}) {
		t.Errorf("GraphFindings(every account) = %v, want [f1 f2 f3]", got)
	}
}
