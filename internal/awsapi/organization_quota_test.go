package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/apitest"
)

// TestCreateMembersOrganizationAccountsStopAtQuota: in the organization
// behavior graph, organization accounts are enabled in request order while
// the member quota has room; the rest stay not members and come back
// unprocessed, and the members enabled are kept.
func TestCreateMembersOrganizationAccountsStopAtQuota(t *testing.T) {
	apitest.RunWith(t, apitest.Options{MemberLimit: 2}, func(t *testing.T, env *apitest.Env) {
		mustOrganization(t, env, admin, member1, member2, third)
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		if _, err := env.Client(management).EnableOrganizationAdminAccount(ctx,
			&detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount: %v", err)
		}
		out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g),
			Accounts: accounts(member1, member2, third)})
		if err != nil {
			t.Fatalf("CreateMembers: %v", err)
		}
		var got []string
		for _, m := range out.Members {
			got = append(got, aws.ToString(m.AccountId)+" "+string(m.Status)+" "+string(m.InvitationType))
		}
		want := []string{member1 + " ENABLED ORGANIZATION", member2 + " ENABLED ORGANIZATION"}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("CreateMembers members = %v, want %v", got, want)
		}
		if len(out.UnprocessedAccounts) != 1 || aws.ToString(out.UnprocessedAccounts[0].AccountId) != third ||
			!strings.Contains(aws.ToString(out.UnprocessedAccounts[0].Reason), "maximum number of member accounts") {
			t.Errorf("CreateMembers unprocessed = %+v, want %s at the member quota", out.UnprocessedAccounts, third)
		}
		list, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g)})
		if err != nil || len(list.MemberDetails) != 2 {
			t.Errorf("ListMembers = %+v, %v; want the 2 enabled members", list, err)
		}
	})
}
