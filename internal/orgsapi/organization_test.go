package orgsapi_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

func TestCreateOrganization(t *testing.T) {
	seed := organizations.Seed{Accounts: []world.Account{{ID: management, RootEmail: "root@example.com"}}}
	apitest.RunWorld(t, apitest.Options{}, seed, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		_, err := c.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		var notInUse *types.AWSOrganizationsNotInUseException
		if !errors.As(err, &notInUse) {
			t.Errorf("DescribeOrganization before CreateOrganization = %v, want AWSOrganizationsNotInUseException", err)
		}
		o := mustCreateOrganization(t, env, management)
		if !strings.HasPrefix(aws.ToString(o.Id), "o-") || o.FeatureSet != types.OrganizationFeatureSetAll ||
			aws.ToString(o.MasterAccountId) != management || aws.ToString(o.MasterAccountEmail) != "root@example.com" ||
			aws.ToString(o.Arn) != "arn:aws:organizations::"+management+":organization/"+aws.ToString(o.Id) {
			t.Errorf("CreateOrganization = %+v", o)
		}
		got, err := c.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		if err != nil || aws.ToString(got.Organization.Id) != aws.ToString(o.Id) {
			t.Errorf("DescribeOrganization = %+v, %v; want %s", got, err, aws.ToString(o.Id))
		}
		_, err = c.CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{})
		var already *types.AlreadyInOrganizationException
		if !errors.As(err, &already) {
			t.Errorf("CreateOrganization again = %v, want AlreadyInOrganizationException", err)
		}

		roots, err := c.ListRoots(ctx, &orgsdk.ListRootsInput{})
		if err != nil || len(roots.Roots) != 1 || !strings.HasPrefix(aws.ToString(roots.Roots[0].Id), "r-") ||
			aws.ToString(roots.Roots[0].Name) != "Root" || roots.Roots[0].PolicyTypes == nil {
			t.Fatalf("ListRoots = %+v, %v; want one root named Root", roots, err)
		}
		accounts := mustListAccounts(t, c, 20)
		if len(accounts) != 1 || aws.ToString(accounts[0].Id) != management || accounts[0].Status != types.AccountStatusActive ||
			accounts[0].JoinedMethod != types.AccountJoinedMethodInvited || accounts[0].JoinedTimestamp == nil {
			t.Errorf("ListAccounts = %+v, want the management account", accounts)
		}

		_, err = orgs(env, standalone).ListRoots(ctx, &orgsdk.ListRootsInput{})
		wantCode(t, "ListRoots outside any organization", err, "AWSOrganizationsNotInUseException")

		if _, err := c.DeleteOrganization(ctx, &orgsdk.DeleteOrganizationInput{}); err != nil {
			t.Fatalf("DeleteOrganization: %v", err)
		}
		_, err = c.DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		wantCode(t, "DescribeOrganization after DeleteOrganization", err, "AWSOrganizationsNotInUseException")
		_, err = c.DeleteOrganization(ctx, &orgsdk.DeleteOrganizationInput{})
		wantCode(t, "DeleteOrganization again", err, "AWSOrganizationsNotInUseException")
		// A new one gets a new ID.
		if again := mustCreateOrganization(t, env, management); aws.ToString(again.Id) == aws.ToString(o.Id) {
			t.Errorf("CreateOrganization after DeleteOrganization reused %s", aws.ToString(o.Id))
		}
	})
}

func TestConsolidatedBilling(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		out, err := c.CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetConsolidatedBilling})
		if err != nil || out.Organization.FeatureSet != types.OrganizationFeatureSetConsolidatedBilling {
			t.Fatalf("CreateOrganization(CONSOLIDATED_BILLING) = %+v, %v", out, err)
		}
		_, err = c.ListAWSServiceAccessForOrganization(ctx, &orgsdk.ListAWSServiceAccessForOrganizationInput{})
		var cv *types.ConstraintViolationException
		if !errors.As(err, &cv) || cv.Reason != types.ConstraintViolationExceptionReasonOrganizationNotInAllFeaturesMode {
			t.Errorf("ListAWSServiceAccessForOrganization without all features = %v, want ConstraintViolationException ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", err)
		}
	})
}

func TestCreateAccount(t *testing.T) {
	seed := organizations.Seed{Accounts: []world.Account{{ID: standalone, RootEmail: "taken@example.com"}}}
	apitest.RunWorld(t, apitest.Options{}, seed, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		id := mustCreateAccount(t, env, management, "Dev@Example.com", "Dev")
		got, err := c.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeAccount: %v", err)
		}
		a := got.Account
		if aws.ToString(a.Email) != "Dev@Example.com" || aws.ToString(a.Name) != "Dev" || a.JoinedMethod != types.AccountJoinedMethodCreated ||
			a.Status != types.AccountStatusActive || a.State != types.AccountStateActive || len(a.Paths) != 1 {
			t.Errorf("DescribeAccount = %+v", a)
		}

		// The e-mail of any known account is taken: the request fails, as
		// AWS's does, after it was accepted.
		out, err := c.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String("TAKEN@example.com"), AccountName: aws.String("Dup")})
		if err != nil {
			t.Fatalf("CreateAccount(taken e-mail): %v", err)
		}
		st, err := c.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil || st.CreateAccountStatus.State != types.CreateAccountStateFailed ||
			st.CreateAccountStatus.FailureReason != types.CreateAccountFailureReasonEmailAlreadyExists {
			t.Errorf("DescribeCreateAccountStatus(taken e-mail) = %+v, %v; want FAILED EMAIL_ALREADY_EXISTS", st, err)
		}
		failed, err := c.ListCreateAccountStatus(ctx, &orgsdk.ListCreateAccountStatusInput{States: []types.CreateAccountState{types.CreateAccountStateFailed}})
		if err != nil || len(failed.CreateAccountStatuses) != 1 || aws.ToString(failed.CreateAccountStatuses[0].AccountName) != "Dup" {
			t.Errorf("ListCreateAccountStatus(FAILED) = %+v, %v; want the one failure", failed, err)
		}

		_, err = c.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-0123456789abcdef")})
		var nf *types.CreateAccountStatusNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("DescribeCreateAccountStatus(unknown) = %v, want CreateAccountStatusNotFoundException", err)
		}
		_, err = c.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(standalone)})
		var anf *types.AccountNotFoundException
		if !errors.As(err, &anf) {
			t.Errorf("DescribeAccount(not a member) = %v, want AccountNotFoundException", err)
		}
		_, err = orgs(env, id).CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String("x@example.com"), AccountName: aws.String("X")})
		var denied *types.AccessDeniedException
		if !errors.As(err, &denied) {
			t.Errorf("CreateAccount by a member = %v, want AccessDeniedException", err)
		}
		_, err = orgs(env, id).ListAccounts(ctx, &orgsdk.ListAccountsInput{})
		wantCode(t, "ListAccounts by a member", err, "AccessDeniedException")
		if _, err := orgs(env, id).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{}); err != nil {
			t.Errorf("DescribeOrganization by a member: %v", err)
		}
	})
}

func TestInvalidInput(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		for _, tc := range []struct {
			name   string
			call   func() error
			reason types.InvalidInputExceptionReason
		}{
			{"DescribeAccount(short ID)", func() error {
				_, err := c.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String("12345")})
				return err
			}, types.InvalidInputExceptionReasonInvalidPattern},
			{"CreateAccount(bad e-mail)", func() error {
				_, err := c.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String("not-an-email"), AccountName: aws.String("X")})
				return err
			}, types.InvalidInputExceptionReasonInvalidPattern},
			{"ListAccounts(bad token)", func() error {
				_, err := c.ListAccounts(ctx, &orgsdk.ListAccountsInput{NextToken: aws.String("garbage")})
				return err
			}, types.InvalidInputExceptionReasonInvalidPaginationToken},
			{"ListAccounts(MaxResults 21)", func() error {
				_, err := c.ListAccounts(ctx, &orgsdk.ListAccountsInput{MaxResults: aws.Int32(21)})
				return err
			}, types.InvalidInputExceptionReasonMaxValueExceeded},
			{"EnableAWSServiceAccess(unknown principal)", func() error {
				_, err := c.EnableAWSServiceAccess(ctx, &orgsdk.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("example.com")})
				return err
			}, types.InvalidInputExceptionReasonUnrecognizedServicePrincipal},
			{"InviteAccountToOrganization(ORGANIZATION)", func() error {
				_, err := c.InviteAccountToOrganization(ctx, &orgsdk.InviteAccountToOrganizationInput{
					Target: &types.HandshakeParty{Id: aws.String("o-1234567890"), Type: types.HandshakePartyTypeOrganization}})
				return err
			}, types.InvalidInputExceptionReasonInvalidPartyTypeTarget},
		} {
			var ii *types.InvalidInputException
			if err := tc.call(); !errors.As(err, &ii) || ii.Reason != tc.reason {
				t.Errorf("%s = %v, want InvalidInputException %s", tc.name, err, tc.reason)
			}
		}
	})
}

func TestListAccountsPages(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		mustCreateOrganization(t, env, management)
		want := []string{management}
		for _, name := range []string{"a", "b", "c", "d"} {
			want = append(want, mustCreateAccount(t, env, management, name+"@example.com", name))
		}
		slices.Sort(want)
		if got := accountIDs(mustListAccounts(t, orgs(env, management), 2)); !slices.Equal(got, want) {
			t.Errorf("ListAccounts pages = %v, want %v", got, want)
		}
		roots, err := orgs(env, management).ListRoots(context.Background(), &orgsdk.ListRootsInput{})
		if err != nil {
			t.Fatalf("ListRoots: %v", err)
		}
		var forRoot []string
		p := orgsdk.NewListAccountsForParentPaginator(orgs(env, management),
			&orgsdk.ListAccountsForParentInput{ParentId: roots.Roots[0].Id, MaxResults: aws.Int32(3)})
		for p.HasMorePages() {
			page, err := p.NextPage(context.Background())
			if err != nil {
				t.Fatalf("ListAccountsForParent: %v", err)
			}
			forRoot = append(forRoot, accountIDs(page.Accounts)...)
		}
		if !slices.Equal(forRoot, want) {
			t.Errorf("ListAccountsForParent(root) = %v, want %v", forRoot, want)
		}
		parents, err := orgs(env, management).ListParents(context.Background(), &orgsdk.ListParentsInput{ChildId: aws.String(want[0])})
		if err != nil || len(parents.Parents) != 1 || aws.ToString(parents.Parents[0].Id) != aws.ToString(roots.Roots[0].Id) ||
			parents.Parents[0].Type != types.ParentTypeRoot {
			t.Errorf("ListParents = %+v, %v; want the root", parents, err)
		}
		_, err = orgs(env, management).ListParents(context.Background(), &orgsdk.ListParentsInput{ChildId: aws.String(standalone)})
		wantCode(t, "ListParents(not a member)", err, "ChildNotFoundException")
	})
}
