package awsapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const management = "555555555555"

// mustOrganization declares an organization managed by management with the
// given member accounts, as a seed file would.
func mustOrganization(t testing.TB, env *apitest.Env, members ...string) string {
	t.Helper()
	const org = "o-exampleorg1"
	now := time.Now().UTC().Truncate(time.Millisecond)
	err := env.Store.World().Write(ctx, func(tx world.Tx) error {
		if err := tx.CreateOrganization(ctx, world.Organization{ID: org, Management: management, FeatureSet: world.FeatureSetAll,
			RootID: "r-exam", CreatedTime: now}); err != nil {
			return err
		}
		for _, a := range append([]string{management}, members...) {
			if err := tx.PutOrgAccount(ctx, world.OrgAccount{Org: org, Account: domain.AccountID(a), Method: world.JoinedCreated,
				JoinedTime: now, Status: world.OrgAccountActive}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("declare organization: %v", err)
	}
	return org
}

func TestOrganizationAdmin(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		mustOrganization(t, env, admin, member1, member2)
		mgmt := env.Client(management)

		_, err := env.Client(third).ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		wantAPIError(t, err, "ValidationException", 400)
		if err == nil || !strings.Contains(err.Error(), "account is not a member of an organization") {
			t.Errorf("ListOrganizationAdminAccounts outside an organization = %v, want the message Terraform matches", err)
		}
		_, err = env.Client(member1).ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		wantAPIError(t, err, "AccessDeniedException", 403)
		list, err := mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		if err != nil || len(list.Administrators) != 0 {
			t.Fatalf("ListOrganizationAdminAccounts before designation = %+v, %v", list, err)
		}

		// The administrator already has a graph with an organization
		// account and an outside account invited.
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1, third)

		_, err = env.Client(member1).EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)})
		wantAPIError(t, err, "AccessDeniedException", 403)
		_, err = mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(third)})
		wantAPIError(t, err, "ValidationException", 400)
		for range 2 { // the second time is a no-op
			if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
				t.Fatalf("EnableOrganizationAdminAccount: %v", err)
			}
		}
		list, err = mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		if err != nil || len(list.Administrators) != 1 || aws.ToString(list.Administrators[0].AccountId) != admin ||
			aws.ToString(list.Administrators[0].GraphArn) != g || list.Administrators[0].DelegationTime == nil {
			t.Fatalf("ListOrganizationAdminAccounts = %+v, %v; want %s with %s", list, err, admin, g)
		}
		// The existing graph became the organization graph: the organization
		// account is an ORGANIZATION member now, the outside one is not.
		if m := mustGetMember(t, adm, g, member1); m.InvitationType != types.InvitationTypeOrganization || m.Status != types.MemberStatusEnabled {
			t.Errorf("organization account after designation = %s %s, want ORGANIZATION ENABLED", m.InvitationType, m.Status)
		}
		if m := mustGetMember(t, adm, g, third); m.InvitationType != types.InvitationTypeInvitation || m.Status != types.MemberStatusInvited {
			t.Errorf("outside account after designation = %s %s, want INVITATION INVITED", m.InvitationType, m.Status)
		}
		_, err = mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(member2)})
		wantAPIError(t, err, "ValidationException", 400)

		// Organization configuration.
		conf, err := adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(g)})
		if err != nil || conf.AutoEnable {
			t.Errorf("DescribeOrganizationConfiguration = %+v, %v; want AutoEnable false", conf, err)
		}
		if _, err := adm.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: aws.String(g), AutoEnable: true}); err != nil {
			t.Fatalf("UpdateOrganizationConfiguration: %v", err)
		}
		if conf, err := adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(g)}); err != nil || !conf.AutoEnable {
			t.Errorf("AutoEnable after update = %+v, %v; want true", conf, err)
		}
		_, err = env.Client(third).DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "AccessDeniedException", 403)
		own := mustCreateGraph(t, env.Client(third))
		_, err = env.Client(third).DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(own)})
		wantAPIError(t, err, "ValidationException", 400)

		// Organization accounts are enabled directly, with no e-mail.
		resp, body := env.Do(admin, "POST", "/graph/members", `{"GraphArn":"`+g+`","Accounts":[{"AccountId":"`+member2+`"}]}`)
		var created struct {
			Members []struct{ AccountId, Status, InvitationType string }
		}
		if err := json.Unmarshal(body, &created); err != nil || resp.StatusCode != 200 || len(created.Members) != 1 ||
			created.Members[0].Status != "ENABLED" || created.Members[0].InvitationType != "ORGANIZATION" {
			t.Errorf("CreateMembers of an organization account = %d %s, want it ENABLED ORGANIZATION", resp.StatusCode, body)
		}
		m2 := env.Client(member2)
		if inv := listInvitations(t, m2); len(inv) != 1 || inv[0].InvitationType != types.InvitationTypeOrganization {
			t.Errorf("organization account's ListInvitations = %+v, want the organization graph", inv)
		}
		_, err = m2.DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ConflictException", 409)
		_, err = m2.RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ConflictException", 409)

		// Disabling deletes the organization graph and every membership.
		if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &detective.DisableOrganizationAdminAccountInput{}); err != nil {
			t.Fatalf("DisableOrganizationAdminAccount: %v", err)
		}
		if graphs, err := adm.ListGraphs(ctx, &detective.ListGraphsInput{}); err != nil || len(graphs.GraphList) != 0 {
			t.Errorf("administrator's graphs after disable = %+v, %v; want none", graphs, err)
		}
		if inv := listInvitations(t, m2); len(inv) != 0 {
			t.Errorf("member's invitations after disable = %+v, want none", inv)
		}
		list, err = mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		if err != nil || len(list.Administrators) != 0 {
			t.Errorf("ListOrganizationAdminAccounts after disable = %+v, %v; want none", list, err)
		}
		_, err = mgmt.DisableOrganizationAdminAccount(ctx, &detective.DisableOrganizationAdminAccountInput{})
		wantAPIError(t, err, "ValidationException", 400)
	})
}

// TestOrganizationTransitionKeepsEnabledMembers: designating the
// administrator re-types its enabled organization members without
// re-checking them against the volume they already count in.
func TestOrganizationTransitionKeepsEnabledMembers(t *testing.T) {
	opts := apitest.Options{VolumeLimit: 10000, Accounts: []world.Account{
		{ID: member1, Volume: volume(4000)}, {ID: member2, Volume: volume(4000)}}}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		mustOrganization(t, env, admin, member1, member2)
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1, member2)
		mustAccept(t, env.Client(member1), g)
		mustAccept(t, env.Client(member2), g)
		if _, err := env.Client(management).EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount: %v", err)
		}
		for _, id := range []string{member1, member2} {
			if m := mustGetMember(t, adm, g, id); m.Status != types.MemberStatusEnabled || m.InvitationType != types.InvitationTypeOrganization {
				t.Errorf("%s after designation = %s %s %s, want ENABLED ORGANIZATION", id, m.Status, m.DisabledReason, m.InvitationType)
			}
		}
	})
}

// TestOrganizationGraphDeleted: DeleteGraph on the organization graph keeps
// the designation; the deleted graph no longer answers as an organization
// graph; designating the same account again moves it to its new graph, and
// DisableOrganizationAdminAccount works in either order.
func TestOrganizationGraphDeleted(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		mustOrganization(t, env, admin, member1)
		mgmt, adm := env.Client(management), env.Client(admin)
		if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount: %v", err)
		}
		old := mustCreateGraph(t, adm) // returns the organization graph
		_, err := env.ClientIn(admin, "us-west-2").DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(old)})
		wantAPIError(t, err, "ValidationException", 400)
		if _, err := adm.DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(old)}); err != nil {
			t.Fatalf("DeleteGraph: %v", err)
		}
		_, err = adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(old)})
		wantAPIError(t, err, "ValidationException", 400)
		_, err = adm.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: aws.String(old), AutoEnable: true})
		wantAPIError(t, err, "ValidationException", 400)

		if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount again: %v", err)
		}
		list, err := mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
		if err != nil || len(list.Administrators) != 1 || aws.ToString(list.Administrators[0].GraphArn) == old {
			t.Fatalf("ListOrganizationAdminAccounts after re-designation = %+v, %v; want the new graph", list, err)
		}
		g := aws.ToString(list.Administrators[0].GraphArn)
		if conf, err := adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: aws.String(g)}); err != nil || conf.AutoEnable {
			t.Errorf("DescribeOrganizationConfiguration of the new graph = %+v, %v", conf, err)
		}
		if _, err := mgmt.DisableOrganizationAdminAccount(ctx, &detective.DisableOrganizationAdminAccountInput{}); err != nil {
			t.Fatalf("DisableOrganizationAdminAccount: %v", err)
		}
		_, err = adm.DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
	})
}
