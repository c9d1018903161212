package awsapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
)

func memberID(i int) string { return fmt.Sprintf("6%011d", i) }

// mustFillGraph adds n members in batches of 50.
func mustFillGraph(t testing.TB, c *detective.Client, g string, n int) {
	t.Helper()
	for start := 0; start < n; start += 50 {
		ids := make([]string, 0, 50)
		for i := start; i < min(start+50, n); i++ {
			ids = append(ids, memberID(i))
		}
		mustCreateMembers(t, c, g, ids...)
	}
}

// TestMemberQuotaAndPaging: 1,200 members page out exactly once each with
// MaxResults 200, and the 1,201st is refused with a 402.
func TestMemberQuotaAndPaging(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustFillGraph(t, adm, g, 1200)

		seen := map[string]int{}
		pages := 0
		p := detective.NewListMembersPaginator(adm, &detective.ListMembersInput{GraphArn: aws.String(g), MaxResults: aws.Int32(200)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListMembers page %d: %v", pages, err)
			}
			if len(page.MemberDetails) > 200 {
				t.Errorf("page %d has %d members, want at most 200", pages, len(page.MemberDetails))
			}
			pages++
			for _, m := range page.MemberDetails {
				seen[aws.ToString(m.AccountId)]++
			}
		}
		if len(seen) != 1200 || pages != 6 {
			t.Errorf("paged %d distinct members in %d pages, want 1200 in 6", len(seen), pages)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("member %s listed %d times", id, n)
			}
		}

		_, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(member1, member2)})
		wantAPIError(t, err, "ServiceQuotaExceededException", 402)
		var quota *types.ServiceQuotaExceededException
		if errorsAs(err, &quota) && len(quota.Resources) == 0 {
			t.Errorf("ServiceQuotaExceededException without Resources")
		}
		// Re-adding existing members is not new membership: no quota error.
		out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(memberID(0))})
		if err != nil || len(out.UnprocessedAccounts) != 1 {
			t.Errorf("CreateMembers of an existing member at the quota = %+v, %v; want it unprocessed", out, err)
		}
		// The refused request added nothing; room appears after a delete.
		if _, err := adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(g), AccountIds: []string{memberID(0)}}); err != nil {
			t.Fatalf("DeleteMembers: %v", err)
		}
		mustCreateMembers(t, adm, g, member1)
		if got := len(listMembers(t, adm, g, 200)); got != 1200 {
			t.Errorf("members = %d, want 1200", got)
		}
	})
}

// TestNextToken: tokens are opaque and bound to the operation and
// arguments they were issued for.
func TestNextToken(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustFillGraph(t, adm, g, 5)
		page, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g), MaxResults: aws.Int32(2)})
		if err != nil || len(page.MemberDetails) != 2 || page.NextToken == nil {
			t.Fatalf("ListMembers first page = %+v, %v", page, err)
		}
		tok := page.NextToken

		// Another graph's ListMembers refuses the token.
		other := env.Client(member2)
		g2 := mustCreateGraph(t, other)
		_, err = other.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g2), NextToken: tok})
		wantAPIError(t, err, "ValidationException", 400)
		// So does another operation.
		_, err = adm.ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: tok})
		wantAPIError(t, err, "ValidationException", 400)
		_, err = adm.ListGraphs(ctx, &detective.ListGraphsInput{NextToken: tok})
		wantAPIError(t, err, "ValidationException", 400)
		// Tampering is detected.
		bad := aws.ToString(tok)
		bad = bad[:len(bad)-1] + map[bool]string{true: "A", false: "B"}[bad[len(bad)-1] != 'A']
		_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g), NextToken: aws.String(bad)})
		wantAPIError(t, err, "ValidationException", 400)

		// The genuine token resumes where the page ended.
		next, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g), MaxResults: aws.Int32(2), NextToken: tok})
		if err != nil || len(next.MemberDetails) != 2 || aws.ToString(next.MemberDetails[0].AccountId) != memberID(2) {
			t.Errorf("ListMembers second page = %+v, %v; want members 2 and 3", next, err)
		}
		last, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g), MaxResults: aws.Int32(2), NextToken: next.NextToken})
		if err != nil || len(last.MemberDetails) != 1 || last.NextToken != nil {
			t.Errorf("ListMembers last page = %+v, %v; want one member and no token", last, err)
		}
	})
}

// TestListInvitationsPaging pages a member's invitations across graphs.
func TestListInvitationsPaging(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		const graphs = 5
		for i := range graphs {
			adm := env.Client(fmt.Sprintf("7%011d", i))
			mustCreateMembers(t, adm, mustCreateGraph(t, adm), member1)
		}
		seen := map[string]bool{}
		p := detective.NewListInvitationsPaginator(env.Client(member1), &detective.ListInvitationsInput{MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListInvitations: %v", err)
			}
			for _, inv := range page.Invitations {
				if seen[aws.ToString(inv.GraphArn)] {
					t.Errorf("invitation to %s listed twice", aws.ToString(inv.GraphArn))
				}
				seen[aws.ToString(inv.GraphArn)] = true
			}
		}
		if len(seen) != graphs {
			t.Errorf("ListInvitations listed %d graphs, want %d", len(seen), graphs)
		}
	})
}

// TestListInvitationsTokenBoundToCaller: a ListInvitations token resumes
// only the listing of the account and region it was issued to. Another
// account invited to the same graphs, or the same account in another
// region, gets a ValidationException.
func TestListInvitationsTokenBoundToCaller(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		for i := range 3 {
			adm := env.Client(fmt.Sprintf("7%011d", i))
			mustCreateMembers(t, adm, mustCreateGraph(t, adm), member1, member2)
		}
		page, err := env.Client(member1).ListInvitations(ctx, &detective.ListInvitationsInput{MaxResults: aws.Int32(1)})
		if err != nil || len(page.Invitations) != 1 || page.NextToken == nil {
			t.Fatalf("ListInvitations first page = %+v, %v; want one invitation and a token", page, err)
		}
		tok := page.NextToken
		_, err = env.Client(member2).ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: tok})
		wantAPIError(t, err, "ValidationException", 400)
		_, err = env.ClientIn(member1, "eu-west-1").ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: tok})
		wantAPIError(t, err, "ValidationException", 400)
		next, err := env.Client(member1).ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: tok})
		if err != nil || len(next.Invitations) != 2 {
			t.Errorf("ListInvitations resumed by its own account = %+v, %v; want the other 2 invitations", next, err)
		}
	})
}
