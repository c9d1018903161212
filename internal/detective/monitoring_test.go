package detective_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sqlite"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// TestMemberVolumeFields checks which members the reads give package
// states (MemberDetail's volume fields): ENABLED and ACCEPTED_BUT_DISABLED
// ones, as stored; never others, even when states are stored for them.
func TestMemberVolumeFields(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const limit = 1000
	svc := detective.NewService(store, fixedClock{now}, detective.RandomIDs{}, detective.Config{VolumeLimit: limit})
	admin := detective.Caller{Account: "000000000001", Region: "us-east-1"}
	g, err := svc.CreateGraph(ctx, admin, detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}

	const (
		enabled     detective.AccountID = "000000000011" // states stored
		disabled    detective.AccountID = "000000000012" // ACCEPTED_BUT_DISABLED, states stored
		bare        detective.AccountID = "000000000013" // ENABLED, no states stored
		invited     detective.AccountID = "000000000014" // INVITED, states stored all the same
		verifying   detective.AccountID = "000000000015" // ENABLED from VerifiedTime on, not yet
		notAMember  detective.AccountID = "000000000016"
		volumeBytes                     = 250
	)
	ps := []detective.PackageState{
		{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: now.Add(-time.Hour),
			VolumeBytes: volumeBytes, VolumeTime: now.Add(-time.Hour)},
		{Package: detective.PackageEKSAudit, State: detective.IngestStopped, Stopped: now.Add(-time.Hour),
			VolumeBytes: volumeBytes, VolumeTime: now.Add(-time.Hour)},
	}
	member := func(id detective.AccountID, status detective.MemberStatus, verified time.Time) detective.Member {
		return detective.Member{Graph: g.GraphARN, Account: id, Email: "a@example.com", Admin: admin.Account,
			Type: detective.InvitationTypeInvitation, Status: status,
			InvitedTime: now.Add(-2 * time.Hour), UpdatedTime: verified, VerifiedTime: verified}
	}
	past := now.Add(-time.Hour)
	err = store.Write(ctx, func(tx detective.Tx) error {
		if err := tx.PutMembers(ctx, []detective.Member{
			member(enabled, detective.MemberStatusEnabled, past),
			member(disabled, detective.MemberStatusAcceptedButDisabled, past),
			member(bare, detective.MemberStatusEnabled, past),
			member(invited, detective.MemberStatusInvited, past),
			member(verifying, detective.MemberStatusEnabled, now.Add(time.Hour)),
		}); err != nil {
			return err
		}
		var mps []detective.MemberPackages
		for _, id := range []detective.AccountID{enabled, disabled, invited, verifying} {
			mps = append(mps, detective.MemberPackages{Account: id, Packages: ps})
		}
		return tx.PutMemberPackages(ctx, g.GraphARN, mps)
	})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}

	type volume struct {
		Packages    []detective.PackageState
		Utilization float64
	}
	stored := volume{ps, 100 * 2 * volumeBytes / limit}
	want := map[detective.AccountID]volume{enabled: stored, disabled: stored, bare: {}, invited: {}, verifying: {}}
	check := func(what string, ms []detective.Member, n int) {
		t.Helper()
		if len(ms) != n {
			t.Fatalf("%s returned %d members, want %d", what, len(ms), n)
		}
		for _, m := range ms {
			if diff := cmp.Diff(want[m.Account], volume{m.Packages, m.Utilization}); diff != "" {
				t.Errorf("%s %s (%s) volume mismatch (-want +got):\n%s", what, m.Account, m.Status, diff)
			}
		}
	}

	all := []detective.AccountID{verifying, invited, bare, disabled, enabled, notAMember}
	got, err := svc.GetMembers(ctx, admin, detective.GetMembersInput{Graph: g.GraphARN, Accounts: all})
	if err != nil {
		t.Fatalf("GetMembers: %v", err)
	}
	check("GetMembers", got.Members, len(all)-1)

	list, err := svc.ListMembers(ctx, admin, detective.ListMembersInput{Graph: g.GraphARN})
	if err != nil {
		t.Fatalf("ListMembers: %v", err)
	}
	check("ListMembers", list.Members, len(all)-1)

	for id, n := range map[detective.AccountID]int{enabled: 1, disabled: 1, invited: 1, verifying: 0} {
		inv, err := svc.ListInvitations(ctx, detective.Caller{Account: id, Region: admin.Region}, detective.ListInvitationsInput{})
		if err != nil {
			t.Fatalf("ListInvitations(%s): %v", id, err)
		}
		check("ListInvitations", inv.Invitations, n)
	}
}
