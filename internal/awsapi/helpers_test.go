package awsapi_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
	"github.com/aws/smithy-go"
)

// Accounts used across the tests.
const (
	admin   = "111111111111"
	member1 = "222222222222"
	member2 = "333333333333"
	third   = "444444444444"
)

var ctx = context.Background()

func email(account string) string { return "root+" + account + "@example.com" }

func mustCreateGraph(t testing.TB, c *detective.Client) string {
	t.Helper()
	out, err := c.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	return aws.ToString(out.GraphArn)
}

func accounts(ids ...string) []types.Account {
	as := make([]types.Account, len(ids))
	for i, id := range ids {
		as[i] = types.Account{AccountId: aws.String(id), EmailAddress: aws.String(email(id))}
	}
	return as
}

func mustCreateMembers(t testing.TB, c *detective.Client, graph string, ids ...string) *detective.CreateMembersOutput {
	t.Helper()
	out, err := c.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(graph), Accounts: accounts(ids...)})
	if err != nil {
		t.Fatalf("CreateMembers(%v): %v", ids, err)
	}
	if len(out.UnprocessedAccounts) != 0 {
		t.Fatalf("CreateMembers(%v) unprocessed = %+v", ids, out.UnprocessedAccounts)
	}
	return out
}

func mustGetMember(t testing.TB, c *detective.Client, graph, id string) types.MemberDetail {
	t.Helper()
	out, err := c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: aws.String(graph), AccountIds: []string{id}})
	if err != nil {
		t.Fatalf("GetMembers(%s): %v", id, err)
	}
	if len(out.MemberDetails) != 1 {
		t.Fatalf("GetMembers(%s) = %d details, unprocessed %+v", id, len(out.MemberDetails), out.UnprocessedAccounts)
	}
	return out.MemberDetails[0]
}

func mustAccept(t testing.TB, c *detective.Client, graph string) {
	t.Helper()
	if _, err := c.AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: aws.String(graph)}); err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
}

func listInvitations(t testing.TB, c *detective.Client) []types.MemberDetail {
	t.Helper()
	var all []types.MemberDetail
	p := detective.NewListInvitationsPaginator(c, &detective.ListInvitationsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListInvitations: %v", err)
		}
		all = append(all, page.Invitations...)
	}
	return all
}

func listMembers(t testing.TB, c *detective.Client, graph string, pageSize int32) []types.MemberDetail {
	t.Helper()
	var all []types.MemberDetail
	in := &detective.ListMembersInput{GraphArn: aws.String(graph)}
	if pageSize > 0 {
		in.MaxResults = aws.Int32(pageSize)
	}
	p := detective.NewListMembersPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListMembers: %v", err)
		}
		all = append(all, page.MemberDetails...)
	}
	return all
}

// wantAPIError fails t unless err is the AWS error code with the HTTP status.
func wantAPIError(t testing.TB, err error, code string, status int) {
	t.Helper()
	if err := checkAPIError(err, code, status); err != nil {
		t.Error(err)
	}
}

func checkAPIError(err error, code string, status int) error {
	if err == nil {
		return fmt.Errorf("got success, want %s (%d)", code, status)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("error %v is not an API error, want %s", err, code)
	}
	var respErr *awshttp.ResponseError
	got := 0
	if errors.As(err, &respErr) {
		got = respErr.HTTPStatusCode()
	}
	if apiErr.ErrorCode() != code || got != status {
		return fmt.Errorf("error = %s (%d) %q, want %s (%d)", apiErr.ErrorCode(), got, apiErr.ErrorMessage(), code, status)
	}
	return nil
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
