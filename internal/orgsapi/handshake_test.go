package orgsapi_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

func invite(ctx context.Context, c *orgsdk.Client, typ types.HandshakePartyType, target string) (*types.Handshake, error) {
	out, err := c.InviteAccountToOrganization(ctx, &orgsdk.InviteAccountToOrganizationInput{
		Target: &types.HandshakeParty{Id: aws.String(target), Type: typ}, Notes: aws.String("welcome")})
	if err != nil {
		return nil, err
	}
	return out.Handshake, nil
}

func TestInviteAndAcceptHandshake(t *testing.T) {
	seed := organizations.Seed{Accounts: []world.Account{{ID: management, RootEmail: "mgmt@example.com"}}}
	apitest.RunWorld(t, apitest.Options{}, seed, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		o := mustCreateOrganization(t, env, management)
		h, err := invite(ctx, c, types.HandshakePartyTypeAccount, standalone)
		if err != nil {
			t.Fatalf("InviteAccountToOrganization: %v", err)
		}
		if h.State != types.HandshakeStateOpen || h.Action != types.ActionTypeInviteAccountToOrganization || len(h.Parties) != 2 ||
			h.ExpirationTimestamp.Sub(*h.RequestedTimestamp) != organizations.DefaultHandshakeTTL {
			t.Errorf("InviteAccountToOrganization = %+v", h)
		}
		_, err = invite(ctx, c, types.HandshakePartyTypeAccount, standalone)
		var dup *types.DuplicateHandshakeException
		if !errors.As(err, &dup) {
			t.Errorf("InviteAccountToOrganization again = %v, want DuplicateHandshakeException", err)
		}
		_, err = invite(ctx, c, types.HandshakePartyTypeAccount, management)
		var hcv *types.HandshakeConstraintViolationException
		if !errors.As(err, &hcv) || hcv.Reason != types.HandshakeConstraintViolationExceptionReasonAlreadyInAnOrganization {
			t.Errorf("InviteAccountToOrganization(a member) = %v, want HandshakeConstraintViolationException ALREADY_IN_AN_ORGANIZATION", err)
		}

		member := orgs(env, standalone)
		listed, err := member.ListHandshakesForAccount(ctx, &orgsdk.ListHandshakesForAccountInput{})
		if err != nil || len(listed.Handshakes) != 1 || aws.ToString(listed.Handshakes[0].Id) != aws.ToString(h.Id) {
			t.Fatalf("ListHandshakesForAccount = %+v, %v; want the invitation", listed, err)
		}
		var hnf *types.HandshakeNotFoundException
		if _, err := orgs(env, "888888888888").AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: h.Id}); !errors.As(err, &hnf) {
			t.Errorf("AcceptHandshake by another account = %v, want HandshakeNotFoundException", err)
		}
		accepted, err := member.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: h.Id})
		if err != nil || accepted.Handshake.State != types.HandshakeStateAccepted {
			t.Fatalf("AcceptHandshake = %+v, %v; want ACCEPTED", accepted, err)
		}
		_, err = member.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: h.Id})
		var already *types.HandshakeAlreadyInStateException
		if !errors.As(err, &already) {
			t.Errorf("AcceptHandshake again = %v, want HandshakeAlreadyInStateException", err)
		}
		got, err := member.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		if err != nil || aws.ToString(got.Organization.Id) != aws.ToString(o.Id) {
			t.Errorf("DescribeOrganization by the new member = %+v, %v", got, err)
		}
		a, err := c.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(standalone)})
		if err != nil || a.Account.JoinedMethod != types.AccountJoinedMethodInvited {
			t.Errorf("DescribeAccount(invited) = %+v, %v; want JoinedMethod INVITED", a, err)
		}
		byOrg, err := c.ListHandshakesForOrganization(ctx, &orgsdk.ListHandshakesForOrganizationInput{})
		if err != nil || len(byOrg.Handshakes) != 1 || byOrg.Handshakes[0].State != types.HandshakeStateAccepted {
			t.Errorf("ListHandshakesForOrganization = %+v, %v; want the accepted invitation", byOrg, err)
		}
	})
}

func TestHandshakeByEmailDeclineCancelExpire(t *testing.T) {
	const invitee = "777777777777"
	seed := organizations.Seed{Accounts: []world.Account{{ID: invitee, RootEmail: "Invitee@Example.com"}}}
	apitest.RunWorld(t, apitest.Options{}, seed, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		member := orgs(env, invitee)

		declined, err := invite(ctx, c, types.HandshakePartyTypeEmail, "invitee@example.com")
		if err != nil {
			t.Fatalf("InviteAccountToOrganization(EMAIL): %v", err)
		}
		if out, err := member.DeclineHandshake(ctx, &orgsdk.DeclineHandshakeInput{HandshakeId: declined.Id}); err != nil ||
			out.Handshake.State != types.HandshakeStateDeclined {
			t.Errorf("DeclineHandshake = %+v, %v; want DECLINED", out, err)
		}
		_, err = member.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: declined.Id})
		var transition *types.InvalidHandshakeTransitionException
		if !errors.As(err, &transition) {
			t.Errorf("AcceptHandshake(declined) = %v, want InvalidHandshakeTransitionException", err)
		}

		canceled, err := invite(ctx, c, types.HandshakePartyTypeAccount, invitee)
		if err != nil {
			t.Fatalf("InviteAccountToOrganization: %v", err)
		}
		if _, err := member.CancelHandshake(ctx, &orgsdk.CancelHandshakeInput{HandshakeId: canceled.Id}); err == nil {
			t.Errorf("CancelHandshake by the invitee succeeded; only the sender may cancel")
		}
		if out, err := c.CancelHandshake(ctx, &orgsdk.CancelHandshakeInput{HandshakeId: canceled.Id}); err != nil ||
			out.Handshake.State != types.HandshakeStateCanceled {
			t.Errorf("CancelHandshake = %+v, %v; want CANCELED", out, err)
		}

		expiring, err := invite(ctx, c, types.HandshakePartyTypeAccount, invitee)
		if err != nil {
			t.Fatalf("InviteAccountToOrganization: %v", err)
		}
		env.Clock.Advance(organizations.DefaultHandshakeTTL + time.Second)
		d, err := member.DescribeHandshake(ctx, &orgsdk.DescribeHandshakeInput{HandshakeId: expiring.Id})
		if err != nil || d.Handshake.State != types.HandshakeStateExpired {
			t.Errorf("DescribeHandshake after expiry = %+v, %v; want EXPIRED", d, err)
		}
		_, err = member.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: expiring.Id})
		if !errors.As(err, &transition) {
			t.Errorf("AcceptHandshake(expired) = %v, want InvalidHandshakeTransitionException", err)
		}
		// An expired invitation does not block a new one, which the
		// invitee, found by its e-mail, accepts.
		fresh, err := invite(ctx, c, types.HandshakePartyTypeEmail, "INVITEE@example.com")
		if err != nil {
			t.Fatalf("InviteAccountToOrganization after expiry: %v", err)
		}
		if _, err := member.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: fresh.Id}); err != nil {
			t.Fatalf("AcceptHandshake(by e-mail): %v", err)
		}
		all, err := member.ListHandshakesForAccount(ctx, &orgsdk.ListHandshakesForAccountInput{})
		if err != nil {
			t.Fatalf("ListHandshakesForAccount: %v", err)
		}
		var states []types.HandshakeState
		for _, h := range all.Handshakes {
			states = append(states, h.State)
		}
		slices.Sort(states)
		want := []types.HandshakeState{types.HandshakeStateAccepted, types.HandshakeStateCanceled, types.HandshakeStateDeclined, types.HandshakeStateExpired}
		if !slices.Equal(states, want) {
			t.Errorf("ListHandshakesForAccount states = %v, want %v", states, want)
		}
	})
}

func TestRemoveAndLeave(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		removed := mustCreateAccount(t, env, management, "removed@example.com", "removed")
		leaver := mustCreateAccount(t, env, management, "leaver@example.com", "leaver")

		_, err := c.DeleteOrganization(ctx, &orgsdk.DeleteOrganizationInput{})
		var notEmpty *types.OrganizationNotEmptyException
		if !errors.As(err, &notEmpty) {
			t.Errorf("DeleteOrganization with members = %v, want OrganizationNotEmptyException", err)
		}
		_, err = c.RemoveAccountFromOrganization(ctx, &orgsdk.RemoveAccountFromOrganizationInput{AccountId: aws.String(management)})
		var master *types.MasterCannotLeaveOrganizationException
		if !errors.As(err, &master) {
			t.Errorf("RemoveAccountFromOrganization(management) = %v, want MasterCannotLeaveOrganizationException", err)
		}
		_, err = c.RemoveAccountFromOrganization(ctx, &orgsdk.RemoveAccountFromOrganizationInput{AccountId: aws.String(standalone)})
		wantCode(t, "RemoveAccountFromOrganization(not a member)", err, "AccountNotFoundException")
		if _, err := c.RemoveAccountFromOrganization(ctx, &orgsdk.RemoveAccountFromOrganizationInput{AccountId: aws.String(removed)}); err != nil {
			t.Fatalf("RemoveAccountFromOrganization: %v", err)
		}
		if _, err := orgs(env, leaver).LeaveOrganization(ctx, &orgsdk.LeaveOrganizationInput{}); err != nil {
			t.Fatalf("LeaveOrganization: %v", err)
		}
		_, err = c.LeaveOrganization(ctx, &orgsdk.LeaveOrganizationInput{})
		if !errors.As(err, &master) {
			t.Errorf("LeaveOrganization by the management account = %v, want MasterCannotLeaveOrganizationException", err)
		}
		if got := accountIDs(mustListAccounts(t, c, 20)); !slices.Equal(got, []string{management}) {
			t.Errorf("ListAccounts after removal and leaving = %v, want only %s", got, management)
		}
		// A removed account is standalone: it can create its own organization.
		mustCreateOrganization(t, env, removed)
		if _, err := c.DeleteOrganization(ctx, &orgsdk.DeleteOrganizationInput{}); err != nil {
			t.Errorf("DeleteOrganization once empty: %v", err)
		}
	})
}

func TestTags(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		out, err := c.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String("t@example.com"), AccountName: aws.String("T"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}})
		if err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		st, err := c.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil {
			t.Fatalf("DescribeCreateAccountStatus: %v", err)
		}
		id := st.CreateAccountStatus.AccountId
		if _, err := c.TagResource(ctx, &orgsdk.TagResourceInput{ResourceId: id,
			Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("ci")}, {Key: aws.String("team"), Value: aws.String("ops")}}}); err != nil {
			t.Fatalf("TagResource: %v", err)
		}
		if _, err := c.UntagResource(ctx, &orgsdk.UntagResourceInput{ResourceId: id, TagKeys: []string{"env"}}); err != nil {
			t.Fatalf("UntagResource: %v", err)
		}
		tags, err := c.ListTagsForResource(ctx, &orgsdk.ListTagsForResourceInput{ResourceId: id})
		if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "ops" {
			t.Errorf("ListTagsForResource = %+v, %v; want team=ops", tags, err)
		}
		_, err = c.ListTagsForResource(ctx, &orgsdk.ListTagsForResourceInput{ResourceId: aws.String(standalone)})
		wantCode(t, "ListTagsForResource(not a member)", err, "TargetNotFoundException")
	})
}
