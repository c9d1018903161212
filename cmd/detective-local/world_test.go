package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/detective-local/detective-local/internal/sdkhttp"
)

func organizationsClient(addr string, creds aws.CredentialsProvider) *orgsdk.Client {
	return orgsdk.New(orgsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), Credentials: creds,
		Retryer: aws.NopRetryer{}, HTTPClient: sdkhttp.New(nil)})
}

func stsClient(addr string, creds aws.CredentialsProvider) *stssdk.Client {
	return stssdk.New(stssdk.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), Credentials: creds,
		Retryer: aws.NopRetryer{}, HTTPClient: sdkhttp.New(nil)})
}

func keys(account string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(account, "secret", "")
}

// TestWorldSurvivesRestart is the multi-account world built with real
// clients only: an organization, two accounts created in it, a standalone
// account invited that accepts, a role assumed in a member account, and
// the same world read back after a restart on the same data directory.
func TestWorldSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, t.TempDir())
	m := mustStart(t, cfg)
	mgmt := organizationsClient(m.Addr(), keys(admin))

	org, err := mgmt.CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	var created []string
	for _, name := range []string{"dev", "prod"} {
		out, err := mgmt.CreateAccount(ctx, &orgsdk.CreateAccountInput{Email: aws.String(name + "@example.com"), AccountName: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateAccount(%s): %v", name, err)
		}
		st, err := mgmt.DescribeCreateAccountStatus(ctx, &orgsdk.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil || st.CreateAccountStatus.State != types.CreateAccountStateSucceeded {
			t.Fatalf("DescribeCreateAccountStatus(%s) = %+v, %v; want SUCCEEDED", name, st, err)
		}
		created = append(created, aws.ToString(st.CreateAccountStatus.AccountId))
	}
	inv, err := mgmt.InviteAccountToOrganization(ctx, &orgsdk.InviteAccountToOrganizationInput{
		Target: &types.HandshakeParty{Id: aws.String(member), Type: types.HandshakePartyTypeAccount}})
	if err != nil {
		t.Fatalf("InviteAccountToOrganization: %v", err)
	}
	invitee := organizationsClient(m.Addr(), keys(member))
	hs, err := invitee.ListHandshakesForAccount(ctx, &orgsdk.ListHandshakesForAccountInput{})
	if err != nil || len(hs.Handshakes) != 1 || aws.ToString(hs.Handshakes[0].Id) != aws.ToString(inv.Handshake.Id) {
		t.Fatalf("ListHandshakesForAccount = %+v, %v; want the invitation", hs, err)
	}
	if _, err := invitee.AcceptHandshake(ctx, &orgsdk.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
		t.Fatalf("AcceptHandshake: %v", err)
	}

	role := "arn:aws:iam::" + created[0] + ":role/OrganizationAccountAccessRole"
	assumed, err := stsClient(m.Addr(), keys(admin)).AssumeRole(ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("setup")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	session := credentials.NewStaticCredentialsProvider(aws.ToString(assumed.Credentials.AccessKeyId),
		aws.ToString(assumed.Credentials.SecretAccessKey), aws.ToString(assumed.Credentials.SessionToken))
	wantIdentity := func(addr, when string) {
		t.Helper()
		id, err := stsClient(addr, session).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity %s: %v", when, err)
		}
		if aws.ToString(id.Account) != created[0] || aws.ToString(id.Arn) != "arn:aws:sts::"+created[0]+":assumed-role/OrganizationAccountAccessRole/setup" {
			t.Errorf("GetCallerIdentity %s = %s %s, want the assumed role in %s", when, aws.ToString(id.Account), aws.ToString(id.Arn), created[0])
		}
	}
	wantIdentity(m.Addr(), "in the member account")
	want := append([]string{admin, member}, created...)
	slices.Sort(want)
	before := listAccountIDs(t, mgmt)
	if !slices.Equal(before, want) {
		t.Fatalf("ListAccounts = %v, want %v", before, want)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	m = mustStart(t, cfg)
	defer m.Close()
	mgmt = organizationsClient(m.Addr(), keys(admin))
	if got := listAccountIDs(t, mgmt); !slices.Equal(got, want) {
		t.Errorf("ListAccounts after restart = %v, want %v", got, want)
	}
	again, err := organizationsClient(m.Addr(), keys(member)).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
	if err != nil || aws.ToString(again.Organization.Id) != aws.ToString(org.Organization.Id) {
		t.Errorf("DescribeOrganization by the invited member after restart = %+v, %v; want %s", again, err, aws.ToString(org.Organization.Id))
	}
	dev, err := mgmt.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(created[0])})
	if err != nil || aws.ToString(dev.Account.Email) != "dev@example.com" || aws.ToString(dev.Account.Name) != "dev" {
		t.Errorf("DescribeAccount after restart = %+v, %v", dev, err)
	}
	wantIdentity(m.Addr(), "after restart, with the session issued before it")
}

func listAccountIDs(t testing.TB, c *orgsdk.Client) []string {
	t.Helper()
	var ids []string
	p := orgsdk.NewListAccountsPaginator(c, &orgsdk.ListAccountsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListAccounts: %v", err)
		}
		for _, a := range page.Accounts {
			ids = append(ids, aws.ToString(a.Id))
		}
	}
	return ids
}

const worldSeed = `{
  "accounts": [
    {"id": "111111111111", "email": "mgmt@example.com", "name": "Management"},
    {"id": "222222222222", "email": "security@example.com", "name": "Security", "volume": {"DETECTIVE_CORE": 1000000}},
    {"id": "333333333333", "email": "dev@example.com", "guardDuty": false}
  ],
  "organizations": [
    {"id": "o-exampleorg1", "managementAccountId": "111111111111",
     "members": ["222222222222", {"id": "333333333333", "joinedMethod": "INVITED"}],
     "enabledServices": ["detective.amazonaws.com"],
     "delegatedAdministrators": [{"accountId": "222222222222", "servicePrincipal": "detective.amazonaws.com"}]}
  ]
}`

// TestSeedFileWorld: the seed file's world is there at start, seeding again
// at the next start changes nothing, the operator endpoints read and
// change it, and reset restores it.
func TestSeedFileWorld(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(seedPath, []byte(worldSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, dir)
	cfg.Seed = seedPath
	m := mustStart(t, cfg)
	org, err := organizationsClient(m.Addr(), keys(admin)).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
	if err != nil || aws.ToString(org.Organization.Id) != "o-exampleorg1" || aws.ToString(org.Organization.MasterAccountEmail) != "mgmt@example.com" {
		t.Fatalf("DescribeOrganization of the seeded organization = %+v, %v", org, err)
	}
	// The delegated administrator reads the organization.
	sec := organizationsClient(m.Addr(), keys(member))
	if got := listAccountIDs(t, sec); !slices.Equal(got, []string{admin, member, "333333333333"}) {
		t.Errorf("ListAccounts by the seeded delegated administrator = %v", got)
	}
	a, err := sec.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String("333333333333")})
	if err != nil || a.Account.JoinedMethod != types.AccountJoinedMethodInvited || aws.ToString(a.Account.Email) != "dev@example.com" {
		t.Errorf("DescribeAccount(seeded INVITED member) = %+v, %v", a, err)
	}
	events := len(operatorGet(t, m.Addr(), "org-events")["events"].([]any))
	if events != 5 { // created, two joined, service access, delegated administrator
		t.Errorf("seeding recorded %d events, want 5", events)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m = mustStart(t, cfg) // seeding twice changes nothing
	defer m.Close()
	if got := len(operatorGet(t, m.Addr(), "org-events")["events"].([]any)); got != events {
		t.Errorf("seeding again recorded %d more events, want none", got-events)
	}
	orgs := operatorGet(t, m.Addr(), "organizations")["organizations"].([]any)
	if len(orgs) != 1 || len(orgs[0].(map[string]any)["accounts"].([]any)) != 3 {
		t.Errorf("GET /_detective/organizations = %v, want the one seeded organization with 3 accounts", orgs)
	}
	acct := operatorGet(t, m.Addr(), "accounts/222222222222")
	if acct["email"] != "security@example.com" || acct["guardDuty"] != true || acct["volume"].(map[string]any)["DETECTIVE_CORE"] != 1e6 ||
		acct["organizationId"] != "o-exampleorg1" || acct["name"] != "Security" {
		t.Errorf("GET /_detective/accounts/222222222222 = %v", acct)
	}
	if got := operatorGet(t, m.Addr(), "accounts/333333333333"); got["guardDuty"] != false {
		t.Errorf("GET /_detective/accounts/333333333333 = %v, want guardDuty false", got)
	}

	put := `{"email": "new@example.com", "name": "Sec", "guardDuty": false, "volume": {"EKS_AUDIT": 42}}`
	if code, body := operatorDo(t, m.Addr(), http.MethodPut, "accounts/222222222222", put); code != http.StatusOK {
		t.Fatalf("PUT /_detective/accounts/222222222222 = %d %s", code, body)
	}
	sec = organizationsClient(m.Addr(), keys(member))
	dev, err := sec.DescribeAccount(ctx, &orgsdk.DescribeAccountInput{AccountId: aws.String(member)})
	if err != nil || aws.ToString(dev.Account.Email) != "new@example.com" || aws.ToString(dev.Account.Name) != "Sec" {
		t.Errorf("DescribeAccount after PUT = %+v, %v; want the new e-mail and name", dev, err)
	}
	if code, body := operatorDo(t, m.Addr(), http.MethodPut, "accounts/777777777777", `{"name": "Nobody"}`); code != http.StatusBadRequest {
		t.Errorf("PUT a name for an account in no organization = %d %s, want 400", code, body)
	}
	if code, body := operatorDo(t, m.Addr(), http.MethodPut, "accounts/222222222222", `{"volume": {"NOPE": 1}}`); code != http.StatusBadRequest {
		t.Errorf("PUT with an unknown package = %d %s, want 400", code, body)
	}
	if code, body := operatorDo(t, m.Addr(), http.MethodPost, "organizations",
		`{"managementAccountId": "444444444444", "members": [{"id": "555555555555", "name": "Five"}]}`); code != http.StatusOK {
		t.Errorf("POST /_detective/organizations = %d %s", code, body)
	}
	if code, body := operatorDo(t, m.Addr(), http.MethodPost, "organizations",
		`{"managementAccountId": "444444444444", "members": ["222222222222"]}`); code != http.StatusBadRequest {
		t.Errorf("POST /_detective/organizations with another organization's member = %d %s, want 400", code, body)
	}
	if code, _ := operatorDo(t, m.Addr(), http.MethodGet, "accounts/666666666666", ""); code != http.StatusNotFound {
		t.Errorf("GET an unknown account = %d, want 404", code)
	}

	if code, body := operatorDo(t, m.Addr(), http.MethodPost, "reset", ""); code != http.StatusOK {
		t.Fatalf("reset = %d %s", code, body)
	}
	orgs = operatorGet(t, m.Addr(), "organizations")["organizations"].([]any)
	if len(orgs) != 1 || orgs[0].(map[string]any)["id"] != "o-exampleorg1" {
		t.Errorf("organizations after reset = %v, want only the seeded one", orgs)
	}
	if got := operatorGet(t, m.Addr(), "accounts/222222222222"); got["email"] != "security@example.com" {
		t.Errorf("account after reset = %v, want the seeded facts", got)
	}
}

func operatorDo(t testing.TB, addr, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+"/_detective/"+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s /_detective/%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func operatorGet(t testing.TB, addr, path string) map[string]any {
	t.Helper()
	code, b := operatorDo(t, addr, http.MethodGet, path, "")
	var v map[string]any
	if code != http.StatusOK || json.Unmarshal(b, &v) != nil {
		t.Fatalf("GET /_detective/%s = %d %s", path, code, b)
	}
	return v
}
