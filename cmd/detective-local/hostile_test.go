package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/pgtest"
)

// hostileSeed is the world the hostile replay runs against.
const hostileSeed = `{
  "accounts": [{"id": "111111111111", "email": "mgmt@example.com", "name": "Management"},
               {"id": "222222222222", "email": "member@example.com", "name": "Member"}],
  "organizations": [{"managementAccountId": "111111111111", "members": ["222222222222"]}]
}`

// hostileRequest is one request a hostile or careless client sends.
type hostileRequest struct {
	name          string
	method, path  string
	body          string
	header        map[string]string
	service       string // credential scope service; "" sends it unsigned
	region        string // credential scope region; "" means us-east-1
	account       string // access key; "" means the administrator
	rawTarget     string // when set, the request line's target as is
	wantStatusMin int    // the least status that is right (400 unless set)
}

// hostileRequests is every input the hardening refuses, and the inputs
// of the earlier bad-input tests, in one list.
func hostileRequests(graph string) []hostileRequest {
	g := url.PathEscape(graph)
	orgs := func(op, body string) hostileRequest {
		return hostileRequest{name: "Organizations " + op + " " + body, method: "POST", path: "/", body: body, service: "organizations",
			header: map[string]string{"X-Amz-Target": "AWSOrganizationsV20161128." + op, "Content-Type": "application/x-amz-json-1.1"}}
	}
	det := func(method, path, body string) hostileRequest {
		return hostileRequest{name: "Detective " + method + " " + path + " " + body, method: method, path: path, body: body, service: "detective"}
	}
	op := func(method, path, body string) hostileRequest {
		return hostileRequest{name: "operator " + method + " " + path + " " + body, method: method, path: path, body: body}
	}
	big := strings.Repeat("x", 2<<20)
	rs := []hostileRequest{
		// NUL in every free-text field.
		det("POST", "/tags/"+g, `{"Tags":{"a":"b\u0000"}}`),
		det("POST", "/graph", `{"Tags":{"k\u0000":"v"}}`),
		det("POST", "/graph/members", `{"GraphArn":"`+graph+`","Accounts":[{"AccountId":"333333333333","EmailAddress":"a\u0000@b.com"}]}`),
		det("POST", "/graph/members", `{"GraphArn":"`+graph+`","Message":"\u0000","Accounts":[{"AccountId":"333333333333","EmailAddress":"a@b.com"}]}`),
		det("POST", "/investigations/startInvestigation", `{"GraphArn":"`+graph+`","EntityArn":"arn:aws:iam::111111111111:user/a\u0000","ScopeStartTime":"2025-01-01T00:00:00Z","ScopeEndTime":"2025-01-02T00:00:00Z"}`),
		orgs("CreateAccount", `{"Email":"a\u0000@example.com","AccountName":"A"}`),
		orgs("InviteAccountToOrganization", `{"Target":{"Id":"333333333333","Type":"ACCOUNT"},"Notes":"\u0000"}`),
		orgs("InviteAccountToOrganization", `{"Target":{"Id":"x\u0000@example.com","Type":"EMAIL"}}`),
		op("PUT", "/_detective/accounts/333333333333", `{"email":"a\u0000@example.com"}`),
		op("POST", "/_detective/organizations", `{"managementAccountId":"333333333333","members":[{"id":"444444444444","name":"\u0000"}]}`),
		// Malformed regions in the credential scope.
		{name: "region with colons", method: "POST", path: "/graph", body: `{}`, service: "detective", region: "us-east-1:999999999999:graph:x"},
		{name: "50 KB region", method: "POST", path: "/graph", body: `{}`, service: "detective", region: strings.Repeat("a", 50<<10)},
		// Malformed bodies, also where no input is taken.
		orgs("LeaveOrganization", `this is not json`),
		orgs("DeleteOrganization", `{"a":`),
		orgs("CreateAccount", `{"email":"x@example.com","accountName":"X"}`),
		det("POST", "/graph/members/removal", `this is not json`),
		det("POST", "/graph/members/get", `{"graphArn":"`+graph+`","AccountIds":["222222222222"]}`),
		det("POST", "/graph/removal", `{"graphArn":"`+graph+`"}`),
		det("POST", "/graph/members/get", `{"GraphArn":`),
		det("POST", "/graph/members/get", `[1,2]`),
		det("POST", "/graph/members/get", `{"GraphArn":"`+graph+`","AccountIds":"222222222222"}`),
		det("POST", "/graph", `{"Tags":{"k":"`+strings.Repeat("v", 300<<10)+`"}}`),
		det("POST", "/nope", `{}`),
		det("GET", "/graph/members/get", ``),
		// Paths, headers and methods no route has.
		{name: "double slash", method: "POST", path: "/", rawTarget: "//graph", body: `{}`},
		{name: "dot segments", method: "GET", path: "/", rawTarget: "/tags/../graph"},
		{name: "2 MB header", method: "POST", path: "/graph", body: `{}`, header: map[string]string{"X-Big": big}},
		op("GET", "/_detective/reset", ``),
		op("GET", "/_detective/nope", ``),
		op("DELETE", "/_detective/accounts/222222222222", ``),
		op("GET", "/_detective/org-events?unprocessed=maybe", ``),
		op("PUT", "/_detective/accounts/222222222222", `{"emial":"typo@example.com"}`),
		op("PUT", "/_detective/accounts/222222222222", `not json`),
	}
	for i := range rs {
		if rs[i].wantStatusMin == 0 {
			rs[i].wantStatusMin = 400
		}
	}
	return rs
}

// send sends r to addr and returns the status and body.
func (hr hostileRequest) send(t *testing.T, addr string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(hr.method, "http://"+addr+hr.path, strings.NewReader(hr.body))
	if err != nil {
		t.Fatalf("%s: %v", hr.name, err)
	}
	if hr.rawTarget != "" {
		req.URL.Opaque = hr.rawTarget
	}
	for k, v := range hr.header {
		req.Header.Set(k, v)
	}
	if hr.service != "" {
		region, account := hr.region, hr.account
		if region == "" {
			region = "us-east-1"
		}
		if account == "" {
			account = admin
		}
		sum := sha256.Sum256([]byte(hr.body))
		creds := aws.Credentials{AccessKeyID: account, SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), hr.service, region, time.Now()); err != nil {
			t.Fatalf("%s: sign: %v", hr.name, err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", hr.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// worldSnapshot is everything the hostile requests could have changed.
func worldSnapshot(t *testing.T, addr, graph string) map[string]string {
	t.Helper()
	out := map[string]string{}
	get := func(name string, hr hostileRequest) {
		status, b := hr.send(t, addr)
		if status != 200 {
			t.Fatalf("snapshot %s = %d %s", name, status, b)
		}
		out[name] = string(b)
	}
	get("accounts", hostileRequest{method: "GET", path: "/_detective/accounts"})
	get("organizations", hostileRequest{method: "GET", path: "/_detective/organizations"})
	get("events", hostileRequest{method: "GET", path: "/_detective/org-events"})
	get("graphs", hostileRequest{method: "POST", path: "/graphs/list", body: `{}`, service: "detective"})
	get("members", hostileRequest{method: "POST", path: "/graph/members/list", body: `{"GraphArn":"` + graph + `"}`, service: "detective"})
	get("tags", hostileRequest{method: "GET", path: "/tags/" + url.PathEscape(graph), service: "detective"})
	get("investigations", hostileRequest{method: "POST", path: "/investigations/listInvestigations", body: `{"GraphArn":"` + graph + `"}`, service: "detective"})
	get("accounts in the organization", hostileRequest{method: "POST", path: "/", body: `{}`, service: "organizations",
		header: map[string]string{"X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts", "Content-Type": "application/x-amz-json-1.1"}})
	return out
}

// TestHostileReplay sends every hostile input against each store: no
// answer is a 5xx (which SDKs retry), every answer is JSON, and nothing
// changes.
func TestHostileReplay(t *testing.T) {
	stores := map[string][]string{"sqlite": nil}
	if dsn := pgtest.DSN(t); dsn != "" {
		stores["postgres"] = []string{"--store", pgtest.Schema(t, dsn)}
	}
	for name, args := range stores {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"--seed", mustWriteSeed(t, hostileSeed), "--org-events-interval", "0", "--auto-enable-interval", "0"}, args...)
			m := mustStartArgs(t, args...)
			status, b := (hostileRequest{method: "POST", path: "/graph", body: `{"Tags":{"team":"blue"}}`, service: "detective"}).send(t, m.Addr())
			if status != 200 {
				t.Fatalf("CreateGraph = %d %s", status, b)
			}
			graph := strings.Split(string(b), `"`)[3]
			if status, b := (hostileRequest{method: "POST", path: "/graph/members", service: "detective",
				body: `{"GraphArn":"` + graph + `","Accounts":[{"AccountId":"222222222222","EmailAddress":"member@example.com"}]}`}).send(t, m.Addr()); status != 200 {
				t.Fatalf("CreateMembers = %d %s", status, b)
			}
			before := worldSnapshot(t, m.Addr(), graph)
			for _, hr := range hostileRequests(graph) {
				status, b := hr.send(t, m.Addr())
				if status >= 500 || status < hr.wantStatusMin {
					t.Errorf("%.100s = %d %.200s, want a 4xx", hr.name, status, b)
				}
				if !json.Valid(b) {
					t.Errorf("%.100s answer %.200q is not JSON", hr.name, b)
				}
			}
			if diff := cmp.Diff(before, worldSnapshot(t, m.Addr(), graph)); diff != "" {
				t.Errorf("state changed by refused requests (-before +after):\n%s", diff)
			}
		})
	}
}
