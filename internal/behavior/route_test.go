package behavior_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

var now = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func states(core, eks detective.IngestState) []detective.PackageState {
	return []detective.PackageState{
		{Package: detective.PackageDetectiveCore, State: core},
		{Package: detective.PackageEKSAudit, State: eks},
	}
}

func TestRoute(t *testing.T) {
	g1 := arn.Graph("us-east-1", "111111111111", "01")
	g2 := arn.Graph("us-east-1", "999999999999", "02")
	started, stopped := detective.IngestStarted, detective.IngestStopped
	admin := func(g arn.ARN, ps []detective.PackageState) behavior.Membership {
		return behavior.Membership{Graph: g, Admin: true, Packages: ps}
	}
	member := func(g arn.ARN, status detective.MemberStatus, verified time.Time, ps []detective.PackageState) behavior.Membership {
		return behavior.Membership{Graph: g, Status: status, VerifiedTime: verified, Packages: ps}
	}
	tests := []struct {
		name   string
		ms     []behavior.Membership
		pkg    detective.DatasourcePackage
		want   []arn.ARN
		reason behavior.SkipReason
	}{
		{"no membership", nil, detective.PackageDetectiveCore, nil, behavior.SkipNoGraph},
		{"administrator", []behavior.Membership{admin(g1, states(started, stopped))}, detective.PackageDetectiveCore, []arn.ARN{g1}, ""},
		{"administrator, package stopped", []behavior.Membership{admin(g1, states(started, stopped))}, detective.PackageEKSAudit, nil, behavior.SkipPackageNotStarted},
		{"enabled member", []behavior.Membership{member(g1, detective.MemberStatusEnabled, now, states(started, started))}, detective.PackageEKSAudit, []arn.ARN{g1}, ""},
		{"enabled member, package stopped", []behavior.Membership{member(g1, detective.MemberStatusEnabled, now, states(started, stopped))}, detective.PackageEKSAudit, nil, behavior.SkipPackageNotStarted},
		{"enabled member, package unknown", []behavior.Membership{member(g1, detective.MemberStatusEnabled, now, nil)}, detective.PackageDetectiveCore, nil, behavior.SkipPackageNotStarted},
		{"invited member", []behavior.Membership{member(g1, detective.MemberStatusInvited, now, states(started, started))}, detective.PackageDetectiveCore, nil, behavior.SkipNoGraph},
		{"accepted but disabled", []behavior.Membership{member(g1, detective.MemberStatusAcceptedButDisabled, now, states(started, started))}, detective.PackageDetectiveCore, nil, behavior.SkipNoGraph},
		{"still verifying", []behavior.Membership{member(g1, detective.MemberStatusEnabled, now.Add(time.Second), states(started, started))}, detective.PackageDetectiveCore, nil, behavior.SkipNoGraph},
		{"admin of one, member of another", []behavior.Membership{admin(g1, states(started, started)), member(g2, detective.MemberStatusEnabled, now, states(started, started))}, detective.PackageDetectiveCore, []arn.ARN{g1, g2}, ""},
		{"one started, one not", []behavior.Membership{admin(g1, states(started, stopped)), member(g2, detective.MemberStatusEnabled, now, states(started, started))}, detective.PackageEKSAudit, []arn.ARN{g2}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, reason := behavior.Route(tc.ms, tc.pkg, now)
			if !cmp.Equal(got, tc.want) || reason != tc.reason {
				t.Errorf("Route = %v, %q; want %v, %q", got, reason, tc.want, tc.reason)
			}
		})
	}
}

func TestAdmissible(t *testing.T) {
	ok := func(r behavior.Record) behavior.Record { r.Account, r.Region = "111111111111", "us-east-1"; return r }
	tests := []struct {
		name string
		r    behavior.Record
		want behavior.SkipReason
	}{
		{"management event", ok(behavior.Record{Kind: behavior.KindAPICall, API: &behavior.APICall{Management: true}}), ""},
		{"data event", ok(behavior.Record{Kind: behavior.KindAPICall, API: &behavior.APICall{}}), behavior.SkipDataEvent},
		{"flow with data", ok(behavior.Record{Kind: behavior.KindFlow, Flow: &behavior.Flow{LogStatus: "OK"}}), ""},
		{"flow without data", ok(behavior.Record{Kind: behavior.KindFlow, Flow: &behavior.Flow{LogStatus: "NODATA"}}), behavior.SkipNoData},
		{"no account", behavior.Record{Region: "us-east-1", Kind: behavior.KindK8s}, behavior.SkipNoAccount},
		{"no region", behavior.Record{Account: "111111111111", Kind: behavior.KindK8s}, behavior.SkipNoRegion},
	}
	for _, tc := range tests {
		if got := behavior.Admissible(&tc.r); got != tc.want {
			t.Errorf("Admissible(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
