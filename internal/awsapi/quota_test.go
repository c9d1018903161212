package awsapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

// quotaLimit is a member quota small enough that every boundary is a few
// requests away; the rule is the same at the default 1,200
// (TestMemberQuotaAndPaging).
const quotaLimit = 3

// Accounts whose root e-mail is known and differs from the one the tests
// invite them with, so their invitations end VERIFICATION_FAILED.
const (
	unverified1 = "811111111111"
	unverified2 = "822222222222"
)

func quotaMember(i int) string { return fmt.Sprintf("7100000000%02d", i) }

func quotaMembers(is ...int) []string {
	ids := make([]string, len(is))
	for k, i := range is {
		ids[k] = quotaMember(i)
	}
	return ids
}

// TestMemberQuotaBoundary: CreateMembers is refused whole, with a 402, when
// the accounts it would add (invitations that do not fail verification)
// plus the graph's members (but failed verifications) exceed the quota;
// up to the quota exactly, it succeeds. Each case has a graph of its own.
func TestMemberQuotaBoundary(t *testing.T) {
	opts := apitest.Options{MemberLimit: quotaLimit, Accounts: []world.Account{
		{ID: unverified1, RootEmail: "elsewhere1@example.com"},
		{ID: unverified2, RootEmail: "elsewhere2@example.com"},
	}}
	tests := []struct {
		name      string
		before    []string // added one request each before the request under test
		add       []string
		wantQuota bool
	}{
		{"limit-1 plus one reaches the limit", quotaMembers(0, 1), quotaMembers(2), false},
		{"empty graph takes a batch of exactly the limit", nil, quotaMembers(0, 1, 2), false},
		{"full graph refuses one more", quotaMembers(0, 1, 2), quotaMembers(3), true},
		{"batch crossing the limit fails whole", quotaMembers(0, 1), quotaMembers(2, 3), true},
		{"batch of limit+1 on an empty graph fails whole", nil, quotaMembers(0, 1, 2, 3), true},
		{"failed verification in the graph is not counted", append(quotaMembers(0, 1), unverified1), quotaMembers(2), false},
		{"failed verifications in the batch are not counted", quotaMembers(0, 1), append([]string{unverified1, unverified2}, quotaMember(2)), false},
		{"failed verifications do not hide a full graph", append(quotaMembers(0, 1, 2), unverified1), []string{unverified2, quotaMember(3)}, true},
	}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				adm := env.Client(fmt.Sprintf("72000000000%d", i))
				g := mustCreateGraph(t, adm)
				for _, id := range tc.before {
					mustCreateMembers(t, adm, g, id)
				}
				out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(tc.add...)})
				want := tc.before
				if tc.wantQuota {
					wantAPIError(t, err, "ServiceQuotaExceededException", 402)
					var quota *types.ServiceQuotaExceededException
					if errorsAs(err, &quota) && !slices.Equal(quota.Resources, []string{"MemberAccounts"}) {
						t.Errorf("Resources = %v, want [MemberAccounts]", quota.Resources)
					}
				} else {
					if err != nil {
						t.Fatalf("CreateMembers(%v) on %d members: %v", tc.add, len(tc.before), err)
					}
					if len(out.Members) != len(tc.add) || len(out.UnprocessedAccounts) != 0 {
						t.Errorf("CreateMembers(%v) = %d members, unprocessed %+v; want every account added", tc.add, len(out.Members), out.UnprocessedAccounts)
					}
					want = append(slices.Clone(tc.before), tc.add...)
				}
				if got := memberIDs(listMembers(t, adm, g, 0)); !slices.Equal(got, sorted(want)) {
					t.Errorf("members afterwards = %v, want %v", got, sorted(want))
				}
			})
		}
	})
}

// TestOrganizationMemberQuota: in an organization behavior graph,
// organization accounts are enabled one by one while the graph has fewer
// members than the quota; at the quota an account "remains not a member"
// (UnprocessedAccounts, request still 200), and AutoEnable leaves an
// account that joins then out of the graph.
func TestOrganizationMemberQuota(t *testing.T) {
	orgAccounts := quotaMembers(0, 1, 2, 3)
	seed := organizations.Seed{Organizations: []organizations.SeedOrganization{{
		Management: management,
		Members:    seedMembers(append([]string{admin}, orgAccounts...)...),
	}}}
	apitest.RunWorld(t, apitest.Options{MemberLimit: quotaLimit}, seed, func(t *testing.T, env *apitest.Env) {
		if _, err := env.Client(management).EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount: %v", err)
		}
		adm := env.Client(admin)
		graphs, err := adm.ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil || len(graphs.GraphList) != 1 {
			t.Fatalf("ListGraphs = %+v, %v; want the organization graph", graphs, err)
		}
		g := aws.ToString(graphs.GraphList[0].Arn)

		created, unprocessed := mustCreateOrgMembers(t, env, g, orgAccounts[0])
		if len(created) != 1 || len(unprocessed) != 0 {
			t.Fatalf("CreateMembers of one organization account = %v / %v, want it enabled", created, unprocessed)
		}
		// 1 member: the next two reach the quota, the third stays out.
		created, unprocessed = mustCreateOrgMembers(t, env, g, orgAccounts[1:]...)
		if !slices.Equal(created, orgAccounts[1:3]) || !slices.Equal(unprocessed, orgAccounts[3:]) {
			t.Errorf("CreateMembers of 3 organization accounts on 1 member = enabled %v, unprocessed %v; want %v and %v",
				created, unprocessed, orgAccounts[1:3], orgAccounts[3:])
		}
		if got := memberIDs(listMembers(t, adm, g, 0)); !slices.Equal(got, orgAccounts[:3]) {
			t.Errorf("members at the quota = %v, want %v", got, orgAccounts[:3])
		}

		// One below the quota, AutoEnable enrols an account that joins; at
		// the quota it does not.
		if _, err := adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(g), AccountIds: orgAccounts[2:3]}); err != nil {
			t.Fatalf("DeleteMembers: %v", err)
		}
		// The seeded accounts' joins are processed before AutoEnable is on.
		mustProcessOrgEvents(t, env)
		if _, err := adm.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: aws.String(g), AutoEnable: true}); err != nil {
			t.Fatalf("UpdateOrganizationConfiguration: %v", err)
		}
		first := mustJoinOrganization(t, env, "first@example.com")
		second := mustJoinOrganization(t, env, "second@example.com")
		got := memberIDs(listMembers(t, adm, g, 0))
		if want := sorted(append(slices.Clone(orgAccounts[:2]), first)); !slices.Equal(got, want) {
			t.Errorf("members after two accounts joined with AutoEnable at quota-1 = %v, want %v (the first enrolled, %s not)", got, want, second)
		}
	})
}

func seedMembers(ids ...string) []organizations.SeedMember {
	ms := make([]organizations.SeedMember, len(ids))
	for i, id := range ids {
		ms[i] = organizations.SeedMember{Account: domain.AccountID(id)}
	}
	return ms
}

// mustCreateOrgMembers adds organization accounts to g by ID alone (no
// e-mail, which the SDK would require) and returns the enabled and the
// unprocessed accounts, in request order.
func mustCreateOrgMembers(t testing.TB, env *apitest.Env, g string, ids ...string) (created, unprocessed []string) {
	t.Helper()
	type account struct{ AccountId string }
	req := struct {
		GraphArn string
		Accounts []account
	}{GraphArn: g}
	for _, id := range ids {
		req.Accounts = append(req.Accounts, account{id})
	}
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	resp, b := env.Do(admin, "POST", "/graph/members", string(body))
	var out struct {
		Members             []struct{ AccountId, Status string }
		UnprocessedAccounts []struct{ AccountId, Reason string }
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
		t.Fatalf("CreateMembers(%v) = %d %s", ids, resp.StatusCode, b)
	}
	for _, m := range out.Members {
		if m.Status != string(types.MemberStatusEnabled) {
			t.Errorf("organization account %s = %s, want ENABLED", m.AccountId, m.Status)
		}
		created = append(created, m.AccountId)
	}
	for _, u := range out.UnprocessedAccounts {
		if u.Reason == "" {
			t.Errorf("unprocessed %s has no reason", u.AccountId)
		}
		unprocessed = append(unprocessed, u.AccountId)
	}
	return created, unprocessed
}

// mustJoinOrganization creates an account in management's organization
// through the Organizations API and applies the organization events, so
// AutoEnable has had its chance; it returns the new account's ID.
func mustJoinOrganization(t testing.TB, env *apitest.Env, email string) string {
	t.Helper()
	c := env.Organizations(apitest.Keys(management))
	out, err := c.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String(email), AccountName: aws.String(email)})
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	st, err := c.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
	if err != nil || st.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("DescribeCreateAccountStatus = %+v, %v; want SUCCEEDED", st, err)
	}
	mustProcessOrgEvents(t, env)
	return aws.ToString(st.CreateAccountStatus.AccountId)
}

func mustProcessOrgEvents(t testing.TB, env *apitest.Env) {
	t.Helper()
	resp, err := http.Post(env.URL+"/_detective/jobs/process-org-events", "application/json", nil)
	if err != nil {
		t.Fatalf("process-org-events: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("process-org-events = %d", resp.StatusCode)
	}
}

func memberIDs(ms []types.MemberDetail) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = aws.ToString(m.AccountId)
	}
	sort.Strings(ids)
	return ids
}

func sorted(ids []string) []string {
	s := slices.Clone(ids)
	sort.Strings(s)
	return s
}
