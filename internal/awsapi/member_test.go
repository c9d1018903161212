package awsapi_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
)

func TestCreateMembersUnprocessed(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{
			GraphArn: aws.String(g),
			Accounts: accounts(member1, admin, member2, member2),
			Message:  aws.String("please join"), DisableEmailNotification: true,
		})
		if err != nil {
			t.Fatalf("CreateMembers: %v", err)
		}
		if len(out.Members) != 1 || aws.ToString(out.Members[0].AccountId) != member2 {
			t.Errorf("Members = %+v, want only %s", out.Members, member2)
		}
		var un []string
		for _, u := range out.UnprocessedAccounts {
			if aws.ToString(u.Reason) == "" {
				t.Errorf("unprocessed %s has no reason", aws.ToString(u.AccountId))
			}
			un = append(un, aws.ToString(u.AccountId))
		}
		sort.Strings(un)
		if want := []string{admin, member1, member2}; fmt.Sprint(un) != fmt.Sprint(want) {
			t.Errorf("unprocessed = %v, want %v (existing member, administrator, repeat)", un, want)
		}
	})
}

func TestGetAndDeleteMembers(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1, member2)
		mustAccept(t, env.Client(member1), g)

		got, err := adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: aws.String(g), AccountIds: []string{member1, third, member2}})
		if err != nil {
			t.Fatalf("GetMembers: %v", err)
		}
		if len(got.MemberDetails) != 2 || len(got.UnprocessedAccounts) != 1 || aws.ToString(got.UnprocessedAccounts[0].AccountId) != third {
			t.Errorf("GetMembers = %+v / %+v, want 2 members and %s unprocessed", got.MemberDetails, got.UnprocessedAccounts, third)
		}

		del, err := adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(g), AccountIds: []string{member1, member2, third, admin}})
		if err != nil {
			t.Fatalf("DeleteMembers: %v", err)
		}
		sort.Strings(del.AccountIds)
		if fmt.Sprint(del.AccountIds) != fmt.Sprint([]string{member1, member2}) || len(del.UnprocessedAccounts) != 2 {
			t.Errorf("DeleteMembers = %v / %+v, want both members removed and %s, %s unprocessed", del.AccountIds, del.UnprocessedAccounts, third, admin)
		}
		if ms := listMembers(t, adm, g, 0); len(ms) != 0 {
			t.Errorf("ListMembers after delete = %+v", ms)
		}
		if inv := listInvitations(t, env.Client(member1)); len(inv) != 0 {
			t.Errorf("removed member's ListInvitations = %+v", inv)
		}
		got, err = adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: aws.String(g), AccountIds: []string{member1}})
		if err != nil || len(got.MemberDetails) != 0 || len(got.UnprocessedAccounts) != 1 {
			t.Errorf("GetMembers of a removed member = %+v, %v; want it unprocessed", got, err)
		}
	})
}

// TestAuthorization: only the administrator uses administrator operations;
// an account with no part in a graph learns nothing about it.
func TestAuthorization(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		graph := aws.String(g)
		// An ARN of the third account's own that does not exist.
		missing := "arn:aws:detective:us-east-1:" + third + ":graph:00000000000000000000000000000000"

		for _, caller := range []string{member1, third} {
			c := env.Client(caller)
			_, err := c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: []string{member1}})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.ListMembers(ctx, &detective.ListMembersInput{GraphArn: graph})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: graph, Accounts: accounts(member2)})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: graph, AccountIds: []string{member1}})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.TagResource(ctx, &detective.TagResourceInput{ResourceArn: graph, Tags: map[string]string{"a": "b"}})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: graph})
			wantAPIError(t, err, "AccessDeniedException", 403)
			_, err = c.UntagResource(ctx, &detective.UntagResourceInput{ResourceArn: graph, TagKeys: []string{"a"}})
			wantAPIError(t, err, "AccessDeniedException", 403)
		}
		// The third account has no membership: the member operations answer
		// exactly as for a graph that does not exist.
		c := env.Client(third)
		for _, target := range []string{g, missing} {
			_, err := c.AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: aws.String(target)})
			wantAPIError(t, err, "ResourceNotFoundException", 404)
			_, err = c.RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: aws.String(target)})
			wantAPIError(t, err, "ResourceNotFoundException", 404)
			_, err = c.DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: aws.String(target)})
			wantAPIError(t, err, "ResourceNotFoundException", 404)
		}
		// Its own account's ARN that does not exist is not found.
		_, err := c.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(missing)})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
		// Graphs are regional: the administrator's ARN from another region is not found.
		_, err = env.ClientIn(admin, "eu-west-1").ListMembers(ctx, &detective.ListMembersInput{GraphArn: graph})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
		_, err = env.ClientIn(member1, "eu-west-1").AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: graph})
		wantAPIError(t, err, "ResourceNotFoundException", 404)

		// Nothing changed.
		if m := mustGetMember(t, adm, g, member1); m.Status != types.MemberStatusInvited {
			t.Errorf("member1 = %s after refused calls, want INVITED", m.Status)
		}
	})
}

// TestConcurrentCreateMembers: many clients adding overlapping accounts to
// one graph leave each account in it exactly once, with no 5xx.
func TestConcurrentCreateMembers(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		const clients, perClient, distinct = 20, 10, 50
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		var mu sync.Mutex
		added := map[string]int{}
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids := make([]string, perClient)
				for j := range ids {
					ids[j] = fmt.Sprintf("5000000000%02d", (i*3+j)%distinct)
				}
				out, err := env.Client(admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(ids...)})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, m := range out.Members {
					added[aws.ToString(m.AccountId)]++
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent CreateMembers: %v", err)
		}
		ms := listMembers(t, adm, g, 0)
		seen := map[string]int{}
		for _, m := range ms {
			seen[aws.ToString(m.AccountId)]++
		}
		for id, n := range seen {
			if n != 1 || added[id] != 1 {
				t.Errorf("account %s listed %d times, added by %d requests; want 1 and 1", id, n, added[id])
			}
		}
		if len(added) != len(seen) {
			t.Errorf("%d accounts reported added, %d listed", len(added), len(seen))
		}
		// The requests name every one of the distinct accounts.
		if len(seen) != distinct {
			t.Errorf("%d accounts are members, want all %d", len(seen), distinct)
		}
	})
}
