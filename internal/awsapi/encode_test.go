package awsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// The appenders must write exactly the bytes encoding/json writes for the
// wire structs, which define the shape: every test here encodes the same
// value both ways.

func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal(%T): %v", v, err)
	}
	return b
}

func checkSameBytes(tb testing.TB, name string, got, want []byte) {
	tb.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-60)
	tb.Errorf("%s: differs at byte %d:\nappended      …%s\nencoding/json …%s", name, i, got[from:min(len(got), i+60)], want[from:min(len(want), i+60)])
}

var (
	sampleGraph = arn.Graph("us-east-1", "111111111111", "0123456789abcdef0123456789abcdef")
	sampleTime  = time.Date(2025, 3, 4, 5, 6, 7, 891_000_000, time.UTC)
)

// sampleMembers covers every optional member and every path of the string
// and number encoders.
func sampleMembers() []detective.Member {
	base := detective.Member{Graph: sampleGraph, Account: "222222222222", Email: "a@example.com", Admin: "111111111111",
		Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited, InvitedTime: sampleTime, UpdatedTime: sampleTime.Add(time.Second)}
	pkgs := []detective.PackageState{
		{Package: "ASFF_SECURITYHUB_FINDING", State: detective.IngestStarted, VolumeBytes: 7, VolumeTime: sampleTime},
		{Package: "DETECTIVE_CORE", State: detective.IngestStarted, VolumeBytes: 1 << 40, VolumeTime: sampleTime.Add(time.Hour)},
		{Package: "EKS_AUDIT", State: detective.IngestDisabled},
	}
	with := func(f func(*detective.Member)) detective.Member {
		m := base
		f(&m)
		return m
	}
	return []detective.Member{
		base,
		with(func(m *detective.Member) { m.Email = "" }),
		with(func(m *detective.Member) { m.InvitedTime, m.UpdatedTime = time.Time{}, time.Time{} }),
		with(func(m *detective.Member) { m.Type = detective.InvitationTypeOrganization }),
		with(func(m *detective.Member) {
			m.Status, m.DisabledReason = detective.MemberStatusAcceptedButDisabled, detective.DisabledReasonVolumeTooHigh
			m.Packages, m.Utilization = pkgs, 10.995116277760001
		}),
		with(func(m *detective.Member) {
			m.Status, m.Packages, m.Utilization = detective.MemberStatusEnabled, pkgs[:1], 7e-13
		}),
		with(func(m *detective.Member) { // out of name order, repeated, unmeasured
			m.Status, m.Utilization = detective.MemberStatusEnabled, 0
			m.Packages = []detective.PackageState{pkgs[2], pkgs[0], {Package: "ASFF_SECURITYHUB_FINDING", State: detective.IngestStopped}}
		}),
		with(func(m *detective.Member) { m.Packages, m.Utilization = pkgs, 1e21 }),
		with(func(m *detective.Member) { m.Packages, m.Utilization = pkgs, 123456.75 }),
		with(func(m *detective.Member) { m.Email = `"quoted" <b>&amp; \ back` }),
		with(func(m *detective.Member) { m.Email = "lt<" }),
		with(func(m *detective.Member) { m.Email = "gt>" }),
		with(func(m *detective.Member) { m.Email = "amp&" }),
		with(func(m *detective.Member) { m.Email = "tab\there\nnul\x00 bell\x07 del\x7f" }),
		with(func(m *detective.Member) { m.Email = "ünï€ode \u2028\u2029 bad\xff\xfe utf8" }),
		with(func(m *detective.Member) { m.InvitedTime = time.Date(1, 1, 1, 0, 0, 0, 1, time.FixedZone("x", 3600)) }),
	}
}

func TestAppendMemberResponsesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	ms := sampleMembers()
	us := []detective.UnprocessedAccount{{Account: "333333333333", Reason: "The account is not a member of the behavior graph"},
		{Account: "<script>", Reason: "é\u2028"}}
	for _, tc := range []struct {
		name string
		ms   []detective.Member
		us   []detective.UnprocessedAccount
		tok  string
	}{
		{"empty", nil, nil, ""},
		{"one", ms[:1], nil, "tok"},
		{"all", ms, us, "eyJh+/=="},
		{"unprocessed only", []detective.Member{}, us, ""},
	} {
		checkSameBytes(t, "GetMembers "+tc.name, appendMembersAndUnprocessed(nil, "MemberDetails", tc.ms, tc.us),
			mustMarshal(t, getMembersResponse{MemberDetails: newMemberDetails(tc.ms), UnprocessedAccounts: newUnprocessedAccounts(tc.us)}))
		checkSameBytes(t, "CreateMembers "+tc.name, appendMembersAndUnprocessed(nil, "Members", tc.ms, tc.us),
			mustMarshal(t, createMembersResponse{Members: newMemberDetails(tc.ms), UnprocessedAccounts: newUnprocessedAccounts(tc.us)}))
		checkSameBytes(t, "ListMembers "+tc.name, appendMemberPage(nil, "MemberDetails", tc.ms, tc.tok),
			mustMarshal(t, listMembersResponse{MemberDetails: newMemberDetails(tc.ms), NextToken: tc.tok}))
		checkSameBytes(t, "ListInvitations "+tc.name, appendMemberPage(nil, "Invitations", tc.ms, tc.tok),
			mustMarshal(t, listInvitationsResponse{Invitations: newMemberDetails(tc.ms), NextToken: tc.tok}))
	}
}

func TestAppendGraphListMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, out := range []detective.ListGraphsOutput{
		{},
		{Graphs: []detective.Graph{{ARN: sampleGraph, CreatedTime: sampleTime}}},
		{Graphs: []detective.Graph{{ARN: sampleGraph, CreatedTime: sampleTime}, {ARN: sampleGraph}}, NextToken: "next<>"},
	} {
		ref := listGraphsResponse{GraphList: make([]graphItem, len(out.Graphs)), NextToken: out.NextToken}
		for i, g := range out.Graphs {
			ref.GraphList[i] = graphItem{Arn: g.ARN.String(), CreatedTime: isoTime(g.CreatedTime)}
		}
		checkSameBytes(t, "ListGraphs", appendGraphList(nil, out), mustMarshal(t, ref))
	}
}

func TestAppendTagsMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, tags := range []map[string]string{
		nil,
		{},
		{"b": "2", "a": "1", "": "", "ü": "<&>", "Z": "\u2028", "x\x01": "bad\xff"},
	} {
		ref := tags
		if ref == nil {
			ref = map[string]string{}
		}
		checkSameBytes(t, "ListTagsForResource", appendTags(nil, tags), mustMarshal(t, listTagsForResourceResponse{Tags: ref}))
	}
}

func TestAppendARNMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, a := range []arn.ARN{sampleGraph, {},
		{Partition: "aws", Service: "detective", Region: "us-east-1", Account: "<&>", Resource: "graph:\u2028é\"\\"},
		{Partition: "a\x01", Service: "s", Region: "r", Account: "1", Resource: "x"}} {
		checkSameBytes(t, "arn", appendARN(nil, a), mustMarshal(t, a.String()))
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "z"} {
			checkSameBytes(t, "string", appendString(nil, s), mustMarshal(t, s))
		}
	}
}

func TestAppendTimeMatchesIsoTime(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{sampleTime, time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 9, 8, 7, 6_000_000, time.FixedZone("x", -5*3600)), time.UnixMilli(1)} {
		checkSameBytes(t, "time", appendTime(nil, at), mustMarshal(t, isoTime(at)))
	}
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123e300,
		-5e-324, math.MaxFloat64, 100, 33.333333333333336, 1e-10, 2.5e-100} {
		checkSameBytes(t, "float", appendFloat(nil, f), mustMarshal(t, f))
	}
}

func FuzzAppendMemberDetail(f *testing.F) {
	f.Add("a@example.com", "222222222222", "STARTED", "DETECTIVE_CORE", 0.5, int64(10), int64(1700000000000))
	f.Add("<\u2028\xff>", "", "", "", 1e-9, int64(-1), int64(0))
	f.Fuzz(func(t *testing.T, email, account, state, pkg string, util float64, vol, ms int64) {
		if math.IsNaN(util) || math.IsInf(util, 0) {
			t.Skip() // never a utilization, and not JSON
		}
		at := time.UnixMilli(ms)
		m := detective.Member{Graph: sampleGraph, Account: detective.AccountID(account), Email: email, Admin: "111111111111",
			Status: detective.MemberStatus(state), DisabledReason: detective.DisabledReason(pkg), InvitedTime: at, UpdatedTime: at,
			Packages:    []detective.PackageState{{Package: detective.DatasourcePackage(pkg), State: detective.IngestState(state), VolumeBytes: vol, VolumeTime: at}},
			Utilization: util}
		want, err := json.Marshal(newMemberDetail(m))
		if err != nil {
			t.Skip() // a year encoding/json's time format refuses
		}
		checkSameBytes(t, "member", appendMemberDetail(nil, m, appendARN(nil, m.Graph), new(timeCache)), want)
	})
}

// BenchmarkAppendMemberPage is the encoding of a ListMembers page of 200
// members invited in batches of 50, a quarter of them with volume fields.
func BenchmarkAppendMemberPage(b *testing.B) {
	pkgs := []detective.PackageState{{Package: "DETECTIVE_CORE", State: detective.IngestStarted, VolumeBytes: 12345, VolumeTime: sampleTime}}
	ms := make([]detective.Member, 200)
	for i := range ms {
		at := sampleTime.Add(time.Duration(i/50) * time.Minute)
		ms[i] = detective.Member{Graph: sampleGraph, Account: detective.AccountID(fmt.Sprintf("2%011d", i)), Email: "a@example.com",
			Admin: "111111111111", Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited, InvitedTime: at, UpdatedTime: at}
		if i%4 == 0 {
			ms[i].Status, ms[i].Packages, ms[i].Utilization, ms[i].UpdatedTime = detective.MemberStatusEnabled, pkgs, 0.5, at.Add(time.Second)
		}
	}
	buf := make([]byte, 0, 256<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = appendMemberPage(buf[:0], "MemberDetails", ms, "token")
	}
}
