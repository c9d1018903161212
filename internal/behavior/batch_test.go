package behavior_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

func TestPrincipals(t *testing.T) {
	const account = "111111111111"
	tests := []struct {
		name string
		call behavior.APICall
		want []behavior.Principal
	}{
		{"IAM user", behavior.APICall{PrincipalType: behavior.PrincipalIAMUser, PrincipalARN: "arn:aws:iam::1:user/u"},
			[]behavior.Principal{{"arn:aws:iam::1:user/u", behavior.EntityUser}}},
		{"role session", behavior.APICall{PrincipalType: behavior.PrincipalAssumedRole, PrincipalARN: "arn:aws:sts::1:assumed-role/R/s",
			IssuerARN: "arn:aws:iam::1:role/R"},
			[]behavior.Principal{{"arn:aws:sts::1:assumed-role/R/s", behavior.EntityRoleSession}, {"arn:aws:iam::1:role/R", behavior.EntityRole}}},
		{"federated user", behavior.APICall{PrincipalType: behavior.PrincipalFederatedUser, PrincipalARN: "arn:aws:sts::1:federated-user/f",
			IssuerARN: "arn:aws:iam::1:user/u"},
			[]behavior.Principal{{"arn:aws:sts::1:federated-user/f", behavior.EntityFederatedUser}, {"arn:aws:iam::1:user/u", behavior.EntityUser}}},
		{"root", behavior.APICall{PrincipalType: behavior.PrincipalRoot, PrincipalARN: "arn:aws:iam::1:root"},
			[]behavior.Principal{{"arn:aws:iam::" + account + ":root", behavior.EntityAccount}}},
		{"AWS service", behavior.APICall{PrincipalType: behavior.PrincipalAWSService}, nil},
		{"another account", behavior.APICall{PrincipalType: behavior.PrincipalAWSAccount}, nil},
	}
	for _, tc := range tests {
		if got := behavior.Principals(&tc.call, account); !cmp.Equal(got, tc.want) {
			t.Errorf("Principals(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPublicIP(t *testing.T) {
	tests := []struct {
		call behavior.APICall
		want bool
	}{
		{behavior.APICall{SourceIP: "203.0.113.7"}, true},
		{behavior.APICall{SourceIP: "2001:db8::1"}, true},
		{behavior.APICall{SourceIP: "::ffff:198.51.100.1"}, true},
		{behavior.APICall{SourceIP: "10.1.2.3"}, false},
		{behavior.APICall{SourceIP: "192.168.0.1"}, false},
		{behavior.APICall{SourceIP: "100.64.1.1"}, false},
		{behavior.APICall{SourceIP: "127.0.0.1"}, false},
		{behavior.APICall{SourceIP: "169.254.169.254"}, false},
		{behavior.APICall{SourceIP: "fe80::1"}, false},
		{behavior.APICall{SourceIP: "ec2.amazonaws.com"}, false},
		{behavior.APICall{SourceIP: "AWS Internal"}, false},
		{behavior.APICall{SourceIP: "203.0.113.7", PrincipalType: behavior.PrincipalAWSService}, false},
		{behavior.APICall{SourceIP: "203.0.113.7", InvokedBy: "athena.amazonaws.com"}, false},
	}
	for _, tc := range tests {
		if _, got := behavior.PublicIP(&tc.call); got != tc.want {
			t.Errorf("PublicIP(%q, %q, invokedBy %q) = %v, want %v", tc.call.SourceIP, tc.call.PrincipalType, tc.call.InvokedBy, got, tc.want)
		}
	}
}

// TestBatchCollapses checks that the records of an hour make one row per
// (entity, API, address, agent), with exact counts and times.
func TestBatchCollapses(t *testing.T) {
	g := arn.Graph("us-east-1", "111111111111", "01")
	h := behavior.Hour(now)
	call := func(at time.Time, errorCode, ip string) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindAPICall, Account: "111111111111", Region: "us-east-1",
			Package: detective.PackageDetectiveCore, Time: at, Size: 100, API: &behavior.APICall{
				EventSource: "s3.amazonaws.com", EventName: "ListBuckets", Management: true,
				PrincipalType: behavior.PrincipalIAMUser, PrincipalARN: "arn:aws:iam::111111111111:user/u",
				SourceIP: ip, UserAgent: "cli", ErrorCode: errorCode}}
	}
	b := behavior.NewBatch()
	for i := range 100 {
		errorCode := ""
		if i%4 == 0 {
			errorCode = "AccessDenied"
		}
		b.Add(g, call(h.Add(time.Duration(i)*time.Second), errorCode, "203.0.113.1"), now)
	}
	b.Add(g, call(h.Add(time.Hour), "", "203.0.113.1"), now)
	b.Add(g, call(h.Add(time.Minute), "", "203.0.113.2"), now.Add(time.Minute))
	rows := b.APICalls()
	if len(rows) != 3 {
		t.Fatalf("APICalls() = %d rows, want 3", len(rows))
	}
	r := rows[0]
	if r.Hour != h || r.SourceIP != "203.0.113.1" || r.Success != 75 || r.Failure != 25 || r.First != h || r.Last != h.Add(99*time.Second) {
		t.Errorf("first row = %+v, want 75/25 calls from the hour's start to 99s", r)
	}
	vol := b.Volume()
	if len(vol) != 2 || vol[0].Bytes != 10100 || vol[1].Bytes != 100 {
		t.Errorf("Volume() = %+v, want 10100 bytes in one minute and 100 in the next", vol)
	}
	if got := b.Entities(); len(got) != 1 || got[0].First != h || got[0].Last != h.Add(time.Hour) {
		t.Errorf("Entities() = %+v, want one user seen over the two hours", got)
	}
}

func TestFlowDirection(t *testing.T) {
	g := arn.Graph("us-east-1", "111111111111", "01")
	flow := func(src, dst, direction string) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindFlow, Account: "111111111111", Time: now, Flow: &behavior.Flow{
			InterfaceID: "eni-1", SrcAddr: src, DstAddr: dst, SrcPort: 40000, DstPort: 443, Protocol: 6,
			Bytes: 10, Packets: 1, FlowDirection: direction}}
	}
	tests := []struct {
		name         string
		r            *behavior.Record
		remote       string
		port         int
		in, outBytes int64
	}{
		{"v5 ingress", flow("198.51.100.1", "10.0.0.1", "ingress"), "198.51.100.1", 443, 10, 0},
		{"v5 egress", flow("10.0.0.1", "198.51.100.1", "egress"), "198.51.100.1", 40000, 0, 10},
		{"private to public", flow("10.0.0.1", "198.51.100.1", ""), "198.51.100.1", 40000, 0, 10},
		{"public to private", flow("198.51.100.1", "10.0.0.1", ""), "198.51.100.1", 443, 10, 0},
	}
	for _, tc := range tests {
		b := behavior.NewBatch()
		b.Add(g, tc.r, now)
		rows := b.Flows()
		if len(rows) != 1 || rows[0].Instance != "eni-1" || rows[0].RemoteIP != tc.remote || rows[0].LocalPort != tc.port ||
			rows[0].BytesIn != tc.in || rows[0].BytesOut != tc.outBytes {
			t.Errorf("%s: Flows() = %+v, want remote %s port %d, %d in, %d out", tc.name, rows, tc.remote, tc.port, tc.in, tc.outBytes)
		}
	}
}
