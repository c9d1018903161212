package orgsapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
)

// mustPost sends a raw JSON 1.1 request for op, signed as account, and
// returns the status, the error type and the body.
func mustPost(t testing.TB, env *apitest.Env, account, op, body string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", env.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128."+op)
	apitest.Sign(t, req, "organizations", account, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s answer: %v", op, err)
	}
	var e struct {
		Type string `json:"__type"`
	}
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s answer %d %q is not JSON: %v", op, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode, e.Type, b
}

// A body that is not JSON is a 400 for every operation, also for those
// that take no input, and changes nothing.
func TestMalformedBodyChangesNothing(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		mustCreateOrganization(t, env, management)
		leaver := mustCreateAccount(t, env, management, "leaver@example.com", "leaver")
		for _, tc := range []struct{ account, op string }{
			{leaver, "LeaveOrganization"},
			{management, "DeleteOrganization"},
			{management, "DescribeOrganization"},
			{management, "ListRoots"},
			{management, "CreateAccount"},
			{standalone, "CreateOrganization"},
		} {
			for _, body := range []string{"this is not json", `{"a":`, `[1]`, `"x"`, `{} {}`} {
				status, typ, b := mustPost(t, env, tc.account, tc.op, body)
				if status != http.StatusBadRequest || typ != "SerializationException" {
					t.Errorf("%s with body %q = %d %s, want 400 SerializationException", tc.op, body, status, b)
				}
			}
		}
		if got := accountIDs(mustListAccounts(t, orgs(env, management), 20)); !slices.Contains(got, leaver) {
			t.Errorf("ListAccounts after malformed LeaveOrganization = %v, want %s still a member", got, leaver)
		}
	})
}

// Member names are matched exactly, as AWS matches them: a request that
// spells a required member in another case lacks it.
func TestMemberNamesAreCaseSensitive(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		mustCreateOrganization(t, env, management)
		status, typ, b := mustPost(t, env, management, "CreateAccount", `{"email":"x@example.com","accountName":"X"}`)
		if status != http.StatusBadRequest || typ != "InvalidInputException" {
			t.Errorf("CreateAccount with lower-case member names = %d %s, want 400 InvalidInputException", status, b)
		}
		if got := mustListAccounts(t, orgs(env, management), 20); len(got) != 1 {
			t.Errorf("ListAccounts = %v, want only the management account", accountIDs(got))
		}
	})
}

// The NUL character is refused in every string member, on every store:
// the model's patterns for e-mails and names exclude control characters,
// and PostgreSQL text cannot hold it.
func TestNULIsInvalidInput(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		mustCreateOrganization(t, env, management)
		for _, tc := range []struct{ op, body string }{
			{"CreateAccount", `{"Email":"a\u0000@example.com","AccountName":"A"}`},
			{"CreateAccount", `{"Email":"a@example.com","AccountName":"A\u0000"}`},
			{"CreateAccount", `{"Email":"a@example.com","AccountName":"A","Tags":[{"Key":"k","Value":"v\u0000"}]}`},
			{"InviteAccountToOrganization", `{"Target":{"Id":"` + standalone + `","Type":"ACCOUNT"},"Notes":"hi\u0000"}`},
			{"InviteAccountToOrganization", `{"Target":{"Id":"x\u0000@example.com","Type":"EMAIL"}}`},
		} {
			status, typ, b := mustPost(t, env, management, tc.op, tc.body)
			if status != http.StatusBadRequest || typ != "InvalidInputException" {
				t.Errorf("%s %s = %d %s, want 400 InvalidInputException", tc.op, tc.body, status, b)
			}
		}
		if got := mustListAccounts(t, orgs(env, management), 20); len(got) != 1 {
			t.Errorf("ListAccounts = %v, want only the management account", accountIDs(got))
		}
	})
}
