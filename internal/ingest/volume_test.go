package ingest_test

import (
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
)

// memberVolume returns the DETECTIVE_CORE volume and its time that
// GetMembers, ListMembers and (for the member) ListInvitations show for
// member, failing if they differ.
func memberVolume(tb testing.TB, w world) (int64, time.Time) {
	tb.Helper()
	ctx := tb.Context()
	adminCaller := detective.Caller{Account: admin, Region: region}
	got, err := w.svc.GetMembers(ctx, adminCaller, detective.GetMembersInput{Graph: w.graph, Accounts: []detective.AccountID{member}})
	if err != nil || len(got.Members) != 1 {
		tb.Fatalf("GetMembers = %+v, %v", got, err)
	}
	listed, err := w.svc.ListMembers(ctx, adminCaller, detective.ListMembersInput{Graph: w.graph})
	if err != nil {
		tb.Fatal(err)
	}
	invs, err := w.svc.ListInvitations(ctx, detective.Caller{Account: member, Region: region}, detective.ListInvitationsInput{})
	if err != nil || len(invs.Invitations) != 1 {
		tb.Fatalf("ListInvitations = %+v, %v", invs, err)
	}
	core := func(m detective.Member) (int64, time.Time) {
		for _, p := range m.Packages {
			if p.Package == detective.PackageDetectiveCore {
				return p.VolumeBytes, p.VolumeTime
			}
		}
		tb.Fatalf("member %s has no DETECTIVE_CORE package: %+v", m.Account, m.Packages)
		return 0, time.Time{}
	}
	v, at := core(got.Members[0])
	for _, m := range append(listed.Members, invs.Invitations...) {
		if m.Account != member {
			continue
		}
		if v2, at2 := core(m); v2 != v || !at2.Equal(at) {
			tb.Errorf("volume of %s differs between reads: %d at %v and %d at %v", member, v, at, v2, at2)
		}
	}
	return v, at
}

func TestMeasuredVolumeInMemberReads(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	if v, _ := memberVolume(t, w); v != 0 {
		t.Fatalf("volume before any ingest = %d, want the facts' 0", v)
	}
	ingestAt := now.Add(time.Hour)
	w.clock.Set(ingestAt)
	res := mustIngest(t, w.pipeline(ingest.Config{}), event("v1", member, region, "bob", ""), event("v2", member, region, "bob", ""))
	bytes := res.Bytes - 2 // two newlines are not part of the records
	if v, at := memberVolume(t, w); v != bytes || !at.Equal(ingestAt) {
		t.Errorf("volume after ingest = %d at %v, want %d at %v", v, at, bytes, ingestAt)
	}
	// VolumeUsageInBytes is the last 24 hours; the update time stays.
	w.clock.Set(ingestAt.Add(25 * time.Hour))
	if v, at := memberVolume(t, w); v != 0 || !at.Equal(ingestAt) {
		t.Errorf("volume a day later = %d at %v, want 0 at %v", v, at, ingestAt)
	}
}

// TestMeasuredVolumeLimits checks that the member quota checks use the
// measured volume: a graph that ingested past the limit takes no new
// member, and a waiting member is enabled once the day's volume has gone.
func TestMeasuredVolumeLimits(t *testing.T) {
	t.Parallel()
	w := mustWorldWith(t, detective.Config{VolumeLimit: 2000})
	ctx := t.Context()
	adminCaller := detective.Caller{Account: admin, Region: region}
	const newcomer = "555555555555"
	if _, err := w.svc.CreateMembers(ctx, adminCaller, detective.CreateMembersInput{Graph: w.graph,
		Accounts: []detective.AccountInput{{ID: newcomer, Email: "n@example.com"}}}); err != nil {
		t.Fatalf("CreateMembers under the limit: %v", err)
	}
	mustIngest(t, w.pipeline(ingest.Config{}), apiLines(6, admin)...) // about 2700 bytes
	if err := w.svc.AcceptInvitation(ctx, detective.Caller{Account: newcomer, Region: region}, w.graph); err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.GetMembers(ctx, adminCaller, detective.GetMembersInput{Graph: w.graph, Accounts: []detective.AccountID{newcomer}})
	if err != nil || len(got.Members) != 1 {
		t.Fatalf("GetMembers = %+v, %v", got, err)
	}
	if m := got.Members[0]; m.Status != detective.MemberStatusAcceptedButDisabled || m.DisabledReason != detective.DisabledReasonVolumeTooHigh {
		t.Errorf("newcomer after the graph ingested past the limit: %s %s, want ACCEPTED_BUT_DISABLED VOLUME_TOO_HIGH", m.Status, m.DisabledReason)
	}
	_, err = w.svc.CreateMembers(ctx, adminCaller, detective.CreateMembersInput{Graph: w.graph,
		Accounts: []detective.AccountInput{{ID: "666666666666", Email: "x@example.com"}}})
	if detective.KindOf(err) != detective.KindQuotaExceeded {
		t.Errorf("CreateMembers over the measured limit = %v, want KindQuotaExceeded", err)
	}
	w.clock.Set(now.Add(25 * time.Hour))
	if err := w.svc.StartMonitoringMember(ctx, adminCaller, w.graph, newcomer); err != nil {
		t.Fatal(err)
	}
	got, err = w.svc.GetMembers(ctx, adminCaller, detective.GetMembersInput{Graph: w.graph, Accounts: []detective.AccountID{newcomer}})
	if err != nil || got.Members[0].Status != detective.MemberStatusEnabled {
		t.Errorf("newcomer a day later: %+v, %v; want ENABLED", got.Members, err)
	}
}
