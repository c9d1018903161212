package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	dtypes "github.com/aws/aws-sdk-go-v2/service/detective/types"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/detective-local/detective-local/internal/pgtest"
)

// TestOrganizationScenario is organization-wide Detective driven only
// through the Organizations and Detective APIs, on the real binary's
// wiring with its periodic jobs: create the organization, designate the
// Detective administrator, enable every current account, turn AutoEnable
// on, create a new account (it appears ENABLED), remove it from the
// organization (it is gone). Once per store.
func TestOrganizationScenario(t *testing.T) {
	stores := []string{"sqlite"}
	if pgtest.DSN(t) != "" {
		stores = append(stores, "postgres")
	}
	for _, name := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, t.TempDir())
			if name == "postgres" {
				cfg.Store = pgtest.Schema(t, pgtest.DSN(t))
			}
			cfg.OrgEventsInterval = 20 * time.Millisecond
			m := mustStart(t, cfg)
			defer m.Close()
			runOrganizationScenario(t, m.Addr())
		})
	}
}

func runOrganizationScenario(t *testing.T, addr string) {
	ctx := context.Background()
	const mgmtID = "910000000001"
	mgmt := organizationsClient(addr, keys(mgmtID))
	if _, err := mgmt.CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetAll}); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	createAccount := func(name string) string {
		t.Helper()
		out, err := mgmt.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String(name + "@example.com"), AccountName: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateAccount(%s): %v", name, err)
		}
		st, err := mgmt.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil || st.CreateAccountStatus.State != types.CreateAccountStateSucceeded {
			t.Fatalf("DescribeCreateAccountStatus(%s) = %+v, %v", name, st, err)
		}
		return aws.ToString(st.CreateAccountStatus.AccountId)
	}
	security, dev := createAccount("security"), createAccount("dev")

	// Designate the Detective administrator; it gets the organization graph.
	if _, err := client(addr, mgmtID).EnableOrganizationAdminAccount(ctx,
		&detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(security)}); err != nil {
		t.Fatalf("EnableOrganizationAdminAccount: %v", err)
	}
	admin := client(addr, security)
	graphs, err := admin.ListGraphs(ctx, &detective.ListGraphsInput{})
	if err != nil || len(graphs.GraphList) != 1 {
		t.Fatalf("administrator's graphs = %+v, %v", graphs, err)
	}
	graph := graphs.GraphList[0].Arn

	// Enable every current account (the console's "Enable all").
	accts, err := mgmt.ListAccounts(ctx, &orgsdk.ListAccountsInput{})
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	var all []dtypes.Account
	for _, a := range accts.Accounts {
		if id := aws.ToString(a.Id); id != security {
			all = append(all, dtypes.Account{AccountId: a.Id, EmailAddress: aws.String("root@" + id + ".example.com")})
		}
	}
	created, err := admin.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: graph, Accounts: all})
	if err != nil || len(created.Members) != 2 {
		t.Fatalf("CreateMembers of the organization = %+v, %v; want the management account and dev", created, err)
	}
	for _, m := range created.Members {
		if m.Status != dtypes.MemberStatusEnabled || m.InvitationType != dtypes.InvitationTypeOrganization {
			t.Errorf("organization member %s = %s %s, want ENABLED ORGANIZATION", aws.ToString(m.AccountId), m.Status, m.InvitationType)
		}
	}
	if _, err := admin.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: graph, AutoEnable: true}); err != nil {
		t.Fatalf("UpdateOrganizationConfiguration: %v", err)
	}

	// A new account joins: AutoEnable enrols it.
	newcomer := createAccount("newcomer")
	waitForMembers(t, admin, graph, func(ms map[string]dtypes.MemberDetail) error {
		m, ok := ms[newcomer]
		if !ok || m.Status != dtypes.MemberStatusEnabled || m.InvitationType != dtypes.InvitationTypeOrganization {
			return fmt.Errorf("new account %s = %+v, want ENABLED ORGANIZATION", newcomer, m)
		}
		if _, ok := ms[dev]; !ok || len(ms) != 3 {
			return fmt.Errorf("members = %v, want the management account, dev and the new account", keysOf(ms))
		}
		return nil
	})

	// It leaves the organization: it is removed from the graph.
	if _, err := mgmt.RemoveAccountFromOrganization(ctx, &orgsdk.RemoveAccountFromOrganizationInput{AccountId: aws.String(newcomer)}); err != nil {
		t.Fatalf("RemoveAccountFromOrganization: %v", err)
	}
	waitForMembers(t, admin, graph, func(ms map[string]dtypes.MemberDetail) error {
		if _, ok := ms[newcomer]; ok || len(ms) != 2 {
			return fmt.Errorf("members = %v, want the account that left gone", keysOf(ms))
		}
		return nil
	})
}

// waitForMembers polls ListMembers until check passes: organization changes
// reach Detective through the event log, asynchronously, as in AWS.
func waitForMembers(t *testing.T, c *detective.Client, graph *string, check func(map[string]dtypes.MemberDetail) error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := c.ListMembers(context.Background(), &detective.ListMembersInput{GraphArn: graph})
		if err != nil {
			t.Fatalf("ListMembers: %v", err)
		}
		ms := map[string]dtypes.MemberDetail{}
		for _, m := range out.MemberDetails {
			ms[aws.ToString(m.AccountId)] = m
		}
		err = check(ms)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
