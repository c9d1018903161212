package orgsapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
)

const detectivePrincipal = "detective.amazonaws.com"

func TestServiceAccess(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		for _, p := range []string{"guardduty.amazonaws.com", detectivePrincipal, detectivePrincipal} {
			if _, err := c.EnableAWSServiceAccess(ctx, &orgsdk.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(p)}); err != nil {
				t.Fatalf("EnableAWSServiceAccess(%s): %v", p, err)
			}
		}
		var got []string
		p := orgsdk.NewListAWSServiceAccessForOrganizationPaginator(c, &orgsdk.ListAWSServiceAccessForOrganizationInput{MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListAWSServiceAccessForOrganization: %v", err)
			}
			for _, s := range page.EnabledServicePrincipals {
				if s.DateEnabled == nil {
					t.Errorf("EnabledServicePrincipal %s has no DateEnabled", aws.ToString(s.ServicePrincipal))
				}
				got = append(got, aws.ToString(s.ServicePrincipal))
			}
		}
		if len(got) != 2 || got[0] != detectivePrincipal || got[1] != "guardduty.amazonaws.com" {
			t.Errorf("ListAWSServiceAccessForOrganization = %v, want detective and guardduty once each", got)
		}
		for range 2 {
			if _, err := c.DisableAWSServiceAccess(ctx, &orgsdk.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
				t.Fatalf("DisableAWSServiceAccess: %v", err)
			}
		}
		out, err := c.ListAWSServiceAccessForOrganization(ctx, &orgsdk.ListAWSServiceAccessForOrganizationInput{})
		if err != nil || len(out.EnabledServicePrincipals) != 1 {
			t.Errorf("ListAWSServiceAccessForOrganization after disabling = %+v, %v; want detective only", out, err)
		}
	})
}

func TestDelegatedAdministrators(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		security := mustCreateAccount(t, env, management, "security@example.com", "Security")
		register := func(account, principal string) error {
			_, err := c.RegisterDelegatedAdministrator(ctx, &orgsdk.RegisterDelegatedAdministratorInput{
				AccountId: aws.String(account), ServicePrincipal: aws.String(principal)})
			return err
		}
		if err := register(security, detectivePrincipal); err != nil {
			t.Fatalf("RegisterDelegatedAdministrator: %v", err)
		}
		if err := register(security, "guardduty.amazonaws.com"); err != nil {
			t.Fatalf("RegisterDelegatedAdministrator(guardduty): %v", err)
		}
		var dup *types.AccountAlreadyRegisteredException
		if err := register(security, detectivePrincipal); !errors.As(err, &dup) {
			t.Errorf("RegisterDelegatedAdministrator again = %v, want AccountAlreadyRegisteredException", err)
		}
		var cv *types.ConstraintViolationException
		if err := register(management, detectivePrincipal); !errors.As(err, &cv) ||
			cv.Reason != types.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator {
			t.Errorf("RegisterDelegatedAdministrator(management) = %v, want CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR", err)
		}
		wantCode(t, "RegisterDelegatedAdministrator(not a member)", register(standalone, detectivePrincipal), "AccountNotFoundException")

		das, err := c.ListDelegatedAdministrators(ctx, &orgsdk.ListDelegatedAdministratorsInput{})
		if err != nil || len(das.DelegatedAdministrators) != 1 || aws.ToString(das.DelegatedAdministrators[0].Id) != security ||
			aws.ToString(das.DelegatedAdministrators[0].Email) != "security@example.com" || das.DelegatedAdministrators[0].DelegationEnabledDate == nil {
			t.Errorf("ListDelegatedAdministrators = %+v, %v; want the security account once", das, err)
		}
		forDetective, err := c.ListDelegatedAdministrators(ctx, &orgsdk.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(detectivePrincipal)})
		if err != nil || len(forDetective.DelegatedAdministrators) != 1 {
			t.Errorf("ListDelegatedAdministrators(detective) = %+v, %v", forDetective, err)
		}
		services, err := c.ListDelegatedServicesForAccount(ctx, &orgsdk.ListDelegatedServicesForAccountInput{AccountId: aws.String(security)})
		if err != nil || len(services.DelegatedServices) != 2 {
			t.Errorf("ListDelegatedServicesForAccount = %+v, %v; want two services", services, err)
		}

		// A delegated administrator reads the organization, and cannot leave it.
		if got := mustListAccounts(t, orgs(env, security), 20); len(got) != 2 {
			t.Errorf("ListAccounts by the delegated administrator = %v, want both accounts", accountIDs(got))
		}
		_, err = c.RemoveAccountFromOrganization(ctx, &orgsdk.RemoveAccountFromOrganizationInput{AccountId: aws.String(security)})
		if !errors.As(err, &cv) || cv.Reason != types.ConstraintViolationExceptionReasonCannotRemoveDelegatedAdministratorFromOrg {
			t.Errorf("RemoveAccountFromOrganization(delegated administrator) = %v, want CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG", err)
		}

		for _, p := range []string{detectivePrincipal, "guardduty.amazonaws.com"} {
			if _, err := c.DeregisterDelegatedAdministrator(ctx, &orgsdk.DeregisterDelegatedAdministratorInput{
				AccountId: aws.String(security), ServicePrincipal: aws.String(p)}); err != nil {
				t.Fatalf("DeregisterDelegatedAdministrator(%s): %v", p, err)
			}
		}
		_, err = c.DeregisterDelegatedAdministrator(ctx, &orgsdk.DeregisterDelegatedAdministratorInput{
			AccountId: aws.String(security), ServicePrincipal: aws.String(detectivePrincipal)})
		var nr *types.AccountNotRegisteredException
		if !errors.As(err, &nr) {
			t.Errorf("DeregisterDelegatedAdministrator again = %v, want AccountNotRegisteredException", err)
		}
		_, err = orgs(env, security).ListAccounts(ctx, &orgsdk.ListAccountsInput{})
		wantCode(t, "ListAccounts by a former delegated administrator", err, "AccessDeniedException")

		events := orgEvents(t, env)
		want := []string{"ORGANIZATION_CREATED", "ACCOUNT_JOINED", "DELEGATED_ADMIN_REGISTERED", "DELEGATED_ADMIN_REGISTERED",
			"DELEGATED_ADMIN_DEREGISTERED", "DELEGATED_ADMIN_DEREGISTERED"}
		if len(events) != len(want) {
			t.Fatalf("event log = %+v, want %v", events, want)
		}
		for i, e := range events {
			if e.Type != want[i] || e.Seq != int64(i+1) {
				t.Errorf("event %d = %+v, want %s with seq %d", i, e, want[i], i+1)
			}
		}
		if events[2].AccountID != security || events[2].ServicePrincipal != detectivePrincipal || events[1].JoinedMethod != "CREATED" {
			t.Errorf("events = %+v, want the security account's join and registration for detective", events)
		}
	})
}

type orgEvent struct {
	Organization     string `json:"organizationId"`
	Seq              int64  `json:"seq"`
	Type             string `json:"type"`
	AccountID        string `json:"accountId"`
	JoinedMethod     string `json:"joinedMethod"`
	ServicePrincipal string `json:"servicePrincipal"`
	ProcessedTime    string `json:"processedTimestamp"`
	Processed        bool   `json:"-"`
}

// orgEvents reads the event log through the operator endpoint.
func orgEvents(t testing.TB, env *apitest.Env) []orgEvent {
	t.Helper()
	resp, err := http.Get(env.URL + "/_detective/org-events")
	if err != nil {
		t.Fatalf("GET org-events: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct{ Events []orgEvent }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
		t.Fatalf("GET org-events = %d %s", resp.StatusCode, b)
	}
	for i := range out.Events {
		out.Events[i].Processed = out.Events[i].ProcessedTime != ""
	}
	return out.Events
}
