package awsapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/world"
)

// TestInvitationFlow is the cross-account flow: the administrator invites,
// members list, accept, reject and leave, and the administrator sees each
// step.
func TestInvitationFlow(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm, m1, m2 := env.Client(admin), env.Client(member1), env.Client(member2)
		g := mustCreateGraph(t, adm)

		created := mustCreateMembers(t, adm, g, member1, member2)
		if len(created.Members) != 2 {
			t.Fatalf("CreateMembers members = %+v", created.Members)
		}
		for _, m := range created.Members {
			if m.Status != types.MemberStatusVerificationInProgress || aws.ToString(m.GraphArn) != g ||
				aws.ToString(m.AdministratorId) != admin || aws.ToString(m.MasterId) != admin ||
				m.InvitationType != types.InvitationTypeInvitation || m.InvitedTime == nil || m.UpdatedTime == nil ||
				aws.ToString(m.EmailAddress) != email(aws.ToString(m.AccountId)) {
				t.Errorf("CreateMembers member = %+v", m)
			}
		}

		// Verification settles on the next read (zero delay).
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusInvited {
			t.Errorf("member1 status = %s, want INVITED", got.Status)
		}
		inv := listInvitations(t, m1)
		if len(inv) != 1 || aws.ToString(inv[0].GraphArn) != g || inv[0].Status != types.MemberStatusInvited ||
			aws.ToString(inv[0].AccountId) != member1 || aws.ToString(inv[0].AdministratorId) != admin {
			t.Fatalf("member1 ListInvitations = %+v", inv)
		}
		if inv := listInvitations(t, env.Client(third)); len(inv) != 0 {
			t.Errorf("third ListInvitations = %+v, want none", inv)
		}

		mustAccept(t, m1, g)
		enabled := mustGetMember(t, adm, g, member1)
		if enabled.Status != types.MemberStatusEnabled || !aws.ToTime(enabled.UpdatedTime).After(aws.ToTime(enabled.InvitedTime).Add(-time.Millisecond)) {
			t.Errorf("member1 after accept = %+v, want ENABLED", enabled)
		}
		if inv := listInvitations(t, m1); len(inv) != 1 || inv[0].Status != types.MemberStatusEnabled {
			t.Errorf("member1 ListInvitations after accept = %+v", inv)
		}

		// Rejecting removes the invitation from both sides.
		if _, err := m2.RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: aws.String(g)}); err != nil {
			t.Fatalf("RejectInvitation: %v", err)
		}
		if inv := listInvitations(t, m2); len(inv) != 0 {
			t.Errorf("member2 ListInvitations after reject = %+v", inv)
		}
		if ms := listMembers(t, adm, g, 0); len(ms) != 1 || aws.ToString(ms[0].AccountId) != member1 {
			t.Errorf("ListMembers after reject = %+v, want only member1", ms)
		}

		// Leaving removes the membership from both sides.
		if _, err := m1.DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: aws.String(g)}); err != nil {
			t.Fatalf("DisassociateMembership: %v", err)
		}
		if ms := listMembers(t, adm, g, 0); len(ms) != 0 {
			t.Errorf("ListMembers after disassociate = %+v, want none", ms)
		}
		if inv := listInvitations(t, m1); len(inv) != 0 {
			t.Errorf("member1 ListInvitations after disassociate = %+v", inv)
		}

		// Both can be invited again.
		mustCreateMembers(t, adm, g, member1, member2)
		mustAccept(t, m1, g)
		mustAccept(t, m2, g)
		for _, m := range listMembers(t, adm, g, 0) {
			if m.Status != types.MemberStatusEnabled {
				t.Errorf("re-invited member %s = %s, want ENABLED", aws.ToString(m.AccountId), m.Status)
			}
		}
	})
}

func TestMemberStatusConflicts(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm, m1 := env.Client(admin), env.Client(member1)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		graph := aws.String(g)

		_, err := m1.DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: graph})
		wantAPIError(t, err, "ConflictException", 409)
		mustAccept(t, m1, g)
		_, err = m1.AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: graph})
		wantAPIError(t, err, "ConflictException", 409)
		_, err = m1.RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: graph})
		wantAPIError(t, err, "ConflictException", 409)
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusEnabled {
			t.Errorf("status after refused calls = %s, want ENABLED", got.Status)
		}
	})
}

func TestVerification(t *testing.T) {
	opts := apitest.Options{Accounts: []world.Account{{ID: member1, RootEmail: email(member1)}}}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: []types.Account{
			{AccountId: aws.String(member1), EmailAddress: aws.String("someone.else@example.com")},
		}})
		if err != nil || len(out.Members) != 1 {
			t.Fatalf("CreateMembers = %+v, %v", out, err)
		}
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusVerificationFailed {
			t.Errorf("status with wrong root e-mail = %s, want VERIFICATION_FAILED", got.Status)
		}
		if inv := listInvitations(t, env.Client(member1)); len(inv) != 0 {
			t.Errorf("ListInvitations after failed verification = %+v, want none", inv)
		}
		_, err = env.Client(member1).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ConflictException", 409)

		// A failed verification is verified again by a new CreateMembers.
		mustCreateMembers(t, adm, g, member1)
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusInvited {
			t.Errorf("status after re-verification = %s, want INVITED", got.Status)
		}
	})
}

func TestVerificationDelay(t *testing.T) {
	apitest.RunWith(t, apitest.Options{VerificationDelay: time.Hour}, func(t *testing.T, env *apitest.Env) {
		adm, m1 := env.Client(admin), env.Client(member1)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusVerificationInProgress {
			t.Errorf("status before the delay = %s, want VERIFICATION_IN_PROGRESS", got.Status)
		}
		if inv := listInvitations(t, m1); len(inv) != 0 {
			t.Errorf("ListInvitations before the delay = %+v, want none", inv)
		}
		_, err := m1.AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ConflictException", 409)

		env.Clock.Advance(time.Hour)
		if got := mustGetMember(t, adm, g, member1); got.Status != types.MemberStatusInvited {
			t.Errorf("status after the delay = %s, want INVITED", got.Status)
		}
		mustAccept(t, m1, g)
	})
}
