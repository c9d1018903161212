package orgsapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/detective-local/detective-local/internal/apitest"
)

const (
	management = "111111111111"
	standalone = "999999999999"
)

// orgs returns an Organizations client for account's own keys.
func orgs(env *apitest.Env, account string) *orgsdk.Client {
	return env.Organizations(apitest.Keys(account))
}

// wantCode fails t unless err is the AWS error code.
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s = %v, want %s", what, err, code)
		return
	}
	if ae.ErrorCode() != code {
		t.Errorf("%s = %s (%s), want %s", what, ae.ErrorCode(), ae.ErrorMessage(), code)
	}
}

func mustCreateOrganization(t testing.TB, env *apitest.Env, account string) *types.Organization {
	t.Helper()
	out, err := orgs(env, account).CreateOrganization(context.Background(), &orgsdk.CreateOrganizationInput{})
	if err != nil {
		t.Fatalf("CreateOrganization by %s: %v", account, err)
	}
	return out.Organization
}

// mustCreateAccount creates an account in the management account's
// organization and waits, as Terraform does, for SUCCEEDED.
func mustCreateAccount(t testing.TB, env *apitest.Env, mgmt, email, name string) string {
	t.Helper()
	ctx := context.Background()
	c := orgs(env, mgmt)
	out, err := c.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String(email), AccountName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", email, err)
	}
	if out.CreateAccountStatus.State != types.CreateAccountStateInProgress {
		t.Errorf("CreateAccount state = %s, want IN_PROGRESS", out.CreateAccountStatus.State)
	}
	st, err := c.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
	if err != nil {
		t.Fatalf("DescribeCreateAccountStatus: %v", err)
	}
	if st.CreateAccountStatus.State != types.CreateAccountStateSucceeded || aws.ToString(st.CreateAccountStatus.AccountId) == "" {
		t.Fatalf("DescribeCreateAccountStatus = %+v, want SUCCEEDED with an account", st.CreateAccountStatus)
	}
	return aws.ToString(st.CreateAccountStatus.AccountId)
}

// mustListAccounts pages through ListAccounts with the SDK's paginator.
func mustListAccounts(t testing.TB, c *orgsdk.Client, pageSize int32) []types.Account {
	t.Helper()
	var all []types.Account
	p := orgsdk.NewListAccountsPaginator(c, &orgsdk.ListAccountsInput{MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListAccounts: %v", err)
		}
		all = append(all, page.Accounts...)
	}
	return all
}

func accountIDs(as []types.Account) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = aws.ToString(a.Id)
	}
	return ids
}
