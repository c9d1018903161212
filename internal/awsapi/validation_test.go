package awsapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/apitest"
)

type errorResponse struct {
	Type      string `json:"__type"`
	Message   string `json:"Message"`
	Lower     string `json:"message"`
	ErrorCode string `json:"ErrorCode"`
}

// TestValidation sends requests that no SDK would (clients skip their own
// checks, or never had them) and expects a clean ValidationException with
// the right ErrorCode, and no change of state.
func TestValidation(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		long := strings.Repeat("x", 1001)
		tags51 := map[string]string{}
		for i := range 51 {
			tags51[strings.Repeat("k", i+1)] = "v"
		}
		tags51JSON, _ := json.Marshal(map[string]any{"Tags": tags51})
		fifty1 := make([]string, 51)
		for i := range fifty1 {
			fifty1[i] = `"` + "5" + strings.Repeat("0", 9) + string(rune('a'+i%26)) + `0"`
		}
		tests := []struct {
			name, method, path, body, code string
		}{
			{"malformed JSON", "POST", "/graph/members/get", `{"GraphArn":`, "INVALID_REQUEST_BODY"},
			{"body not an object", "POST", "/graph/members/get", `[1,2]`, "INVALID_REQUEST_BODY"},
			{"wrong type", "POST", "/graph/members/get", `{"GraphArn":"` + g + `","AccountIds":"` + member1 + `"}`, "INVALID_REQUEST_BODY"},
			{"missing GraphArn", "POST", "/graph/members/get", `{"AccountIds":["` + member1 + `"]}`, "INVALID_GRAPH_ARN"},
			{"GraphArn pattern", "POST", "/graph/members/get", `{"GraphArn":"arn:aws:detective:us-east-1:111111111111:graph:123412341234","AccountIds":["` + member1 + `"]}`, "INVALID_GRAPH_ARN"},
			{"GraphArn upper case", "POST", "/graph/members/list", `{"GraphArn":"` + strings.ToUpper(g) + `"}`, "INVALID_GRAPH_ARN"},
			{"missing AccountIds", "POST", "/graph/members/get", `{"GraphArn":"` + g + `"}`, "INVALID_REQUEST_BODY"},
			{"empty AccountIds", "POST", "/graph/members/removal", `{"GraphArn":"` + g + `","AccountIds":[]}`, "INVALID_REQUEST_BODY"},
			{"51 AccountIds", "POST", "/graph/members/get", `{"GraphArn":"` + g + `","AccountIds":[` + strings.Join(fifty1, ",") + `]}`, "INVALID_REQUEST_BODY"},
			{"short AccountId", "POST", "/graph/members/removal", `{"GraphArn":"` + g + `","AccountIds":["22222222222"]}`, "INVALID_REQUEST_BODY"},
			{"non-digit AccountId", "POST", "/graph/members/get", `{"GraphArn":"` + g + `","AccountIds":["22222222222x"]}`, "INVALID_REQUEST_BODY"},
			{"bad email", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"not-an-email"}]}`, "INVALID_REQUEST_BODY"},
			{"email label starts with dash", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"a@-x.com"}]}`, "INVALID_REQUEST_BODY"},
			{"message too long", "POST", "/graph/members", `{"GraphArn":"` + g + `","Message":"` + long + `","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"a@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"empty message", "POST", "/graph/members", `{"GraphArn":"` + g + `","Message":"","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"a@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"missing Accounts", "POST", "/graph/members", `{"GraphArn":"` + g + `"}`, "INVALID_REQUEST_BODY"},
			{"account without id", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[{"EmailAddress":"a@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"MaxResults 0", "POST", "/graph/members/list", `{"GraphArn":"` + g + `","MaxResults":0}`, "INVALID_REQUEST_BODY"},
			{"MaxResults 201", "POST", "/graphs/list", `{"MaxResults":201}`, "INVALID_REQUEST_BODY"},
			{"MaxResults fraction", "POST", "/invitations/list", `{"MaxResults":1.5}`, "INVALID_REQUEST_BODY"},
			{"empty NextToken", "POST", "/invitations/list", `{"NextToken":""}`, "INVALID_REQUEST_BODY"},
			{"garbage NextToken", "POST", "/graph/members/list", `{"GraphArn":"` + g + `","NextToken":"garbage!"}`, "INVALID_REQUEST_BODY"},
			{"tag key aws:", "POST", "/graph", `{"Tags":{"aws:x":"v"}}`, "INVALID_REQUEST_BODY"},
			{"tag key charset", "POST", "/tags/" + url.PathEscape(g), `{"Tags":{"a b":"v"}}`, "INVALID_REQUEST_BODY"},
			{"tag value too long", "POST", "/tags/" + url.PathEscape(g), `{"Tags":{"k":"` + strings.Repeat("v", 257) + `"}}`, "INVALID_REQUEST_BODY"},
			{"51 tags", "POST", "/tags/" + url.PathEscape(g), string(tags51JSON), "INVALID_REQUEST_BODY"},
			{"TagResource without Tags", "POST", "/tags/" + url.PathEscape(g), `{}`, "INVALID_REQUEST_BODY"},
			{"UntagResource without keys", "DELETE", "/tags/" + url.PathEscape(g), ``, "INVALID_REQUEST_BODY"},
			{"bad ResourceArn", "GET", "/tags/" + url.PathEscape("arn:aws:detective:us-east-1:111111111111:graph:xyz"), ``, "INVALID_GRAPH_ARN"},
			{"AcceptInvitation without GraphArn", "PUT", "/invitation", `{}`, "INVALID_GRAPH_ARN"},
			{"51 accounts", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[` + strings.Repeat(`{"AccountId":"`+member2+`","EmailAddress":"a@b.co"},`, 50) + `{"AccountId":"` + member2 + `","EmailAddress":"a@b.co"}]}`, "INVALID_REQUEST_BODY"},
			{"email too long", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"` + strings.Repeat("a", 60) + `@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"no datasource packages", "POST", "/graph/datasources/update", `{"GraphArn":"` + g + `","DatasourcePackages":[]}`, "INVALID_REQUEST_BODY"},
			{"26 datasource packages", "POST", "/graph/datasources/update", `{"GraphArn":"` + g + `","DatasourcePackages":[` + strings.Repeat(`"EKS_AUDIT",`, 25) + `"EKS_AUDIT"]}`, "INVALID_REQUEST_BODY"},
			{"unknown datasource package", "POST", "/graph/datasources/update", `{"GraphArn":"` + g + `","DatasourcePackages":["S3"]}`, "INVALID_REQUEST_BODY"},
			{"201 member datasource ids", "POST", "/graph/datasources/get", `{"GraphArn":"` + g + `","AccountIds":[` + strings.Repeat(`"`+member2+`",`, 200) + `"` + member2 + `"]}`, "INVALID_REQUEST_BODY"},
			{"51 membership graphs", "POST", "/membership/datasources/get", `{"GraphArns":[` + strings.Repeat(`"`+g+`",`, 50) + `"` + g + `"]}`, "INVALID_REQUEST_BODY"},
			{"bad membership graph", "POST", "/membership/datasources/get", `{"GraphArns":["arn:aws:detective:us-east-1:111111111111:graph:1"]}`, "INVALID_GRAPH_ARN"},
			{"51 tag keys", "DELETE", "/tags/" + url.PathEscape(g) + "?" + strings.Repeat("tagKeys=k&", 50) + "tagKeys=k", ``, "INVALID_REQUEST_BODY"},
			{"bad investigation state", "POST", "/investigations/updateInvestigationState", `{"GraphArn":"` + g + `","InvestigationId":"123456789012345678901","State":"CLOSED"}`, "INVALID_REQUEST_BODY"},
			{"bad indicator type", "POST", "/investigations/listIndicators", `{"GraphArn":"` + g + `","InvestigationId":"123456789012345678901","IndicatorType":"BAD"}`, "INVALID_REQUEST_BODY"},
			{"bad sort field", "POST", "/investigations/listInvestigations", `{"GraphArn":"` + g + `","SortCriteria":{"Field":"NAME"}}`, "INVALID_REQUEST_BODY"},
			{"bad sort order", "POST", "/investigations/listInvestigations", `{"GraphArn":"` + g + `","SortCriteria":{"SortOrder":"UP"}}`, "INVALID_REQUEST_BODY"},
			{"filter value too long", "POST", "/investigations/listInvestigations", `{"GraphArn":"` + g + `","FilterCriteria":{"EntityArn":{"Value":"` + strings.Repeat("x", 501) + `"}}}`, "INVALID_REQUEST_BODY"},
			{"investigations MaxResults 101", "POST", "/investigations/listInvestigations", `{"GraphArn":"` + g + `","MaxResults":101}`, "INVALID_REQUEST_BODY"},
			{"bad admin account id", "POST", "/orgs/enableAdminAccount", `{"AccountId":"12"}`, "INVALID_REQUEST_BODY"},
			{"missing admin account id", "POST", "/orgs/enableAdminAccount", `{}`, "INVALID_REQUEST_BODY"},
			{"bad monitored account id", "POST", "/graph/member/monitoringstate", `{"GraphArn":"` + g + `","AccountId":"abc"}`, "INVALID_REQUEST_BODY"},
			{"malformed body where no input is taken", "POST", "/orgs/disableAdminAccount", `this is not json`, "INVALID_REQUEST_BODY"},
			// Member names match exactly, as AWS matches them.
			{"GraphArn in lower camel case", "POST", "/graph/members/get", `{"graphArn":"` + g + `","AccountIds":["` + member1 + `"]}`, "INVALID_GRAPH_ARN"},
			{"AccountIds in lower case", "POST", "/graph/members/get", `{"GraphArn":"` + g + `","accountids":["` + member1 + `"]}`, "INVALID_REQUEST_BODY"},
			{"tags in lower case", "POST", "/tags/" + url.PathEscape(g), `{"tags":{"a":"b"}}`, "INVALID_REQUEST_BODY"},
			// NUL (U+0000) in any string: PostgreSQL text cannot hold it,
			// and the model's patterns exclude control characters.
			{"NUL in tag value", "POST", "/tags/" + url.PathEscape(g), `{"Tags":{"a":"b\u0000"}}`, "INVALID_REQUEST_BODY"},
			{"NUL in tag key", "POST", "/tags/" + url.PathEscape(g), `{"Tags":{"a\u0000":"b"}}`, "INVALID_REQUEST_BODY"},
			{"NUL in email", "POST", "/graph/members", `{"GraphArn":"` + g + `","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"a\u0000@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"NUL in message", "POST", "/graph/members", `{"GraphArn":"` + g + `","Message":"hi\u0000","Accounts":[{"AccountId":"` + member2 + `","EmailAddress":"a@b.com"}]}`, "INVALID_REQUEST_BODY"},
			{"NUL in entity", "POST", "/investigations/startInvestigation", `{"GraphArn":"` + g + `","EntityArn":"arn:aws:iam::111111111111:user/a\u0000","ScopeStartTime":"2025-01-01T00:00:00Z","ScopeEndTime":"2025-01-02T00:00:00Z"}`, "INVALID_REQUEST_BODY"},
			{"NUL in create graph tags", "POST", "/graph", `{"Tags":{"k":"\u0000"}}`, "INVALID_REQUEST_BODY"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := env.Do(admin, tc.method, tc.path, tc.body)
				var e errorResponse
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("%s %s: body %q is not JSON: %v", tc.method, tc.path, body, err)
				}
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "ValidationException" ||
					e.Type != "ValidationException" || e.ErrorCode != tc.code || e.Message == "" || e.Message != e.Lower {
					t.Errorf("%s %s = %d %s %s, want 400 ValidationException %s", tc.method, tc.path, resp.StatusCode,
						resp.Header.Get("X-Amzn-ErrorType"), body, tc.code)
				}
				if resp.Header.Get("X-Amzn-Requestid") == "" {
					t.Errorf("no x-amzn-RequestId header")
				}
			})
		}
		// Nothing the refused requests carried was applied.
		if ms := listMembers(t, adm, g, 0); len(ms) != 1 {
			t.Errorf("ListMembers after refused requests = %d members, want 1", len(ms))
		}
		tags, err := adm.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: aws.String(g)})
		if err != nil || len(tags.Tags) != 0 {
			t.Errorf("tags after refused requests = %v, %v; want none", tags, err)
		}
	})
}

// TestProtocolErrors: unknown routes, wrong methods and oversized bodies get
// clean AWS-shaped 4xx answers.
func TestProtocolErrors(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		tests := []struct {
			name, method, path, body string
			status                   int
			typ                      string
		}{
			{"unknown route", "POST", "/nope", `{}`, 404, "UnknownOperationException"},
			{"wrong method", "GET", "/graph/members/get", ``, 405, "MethodNotAllowedException"},
			{"wrong method on label route", "PUT", "/tags/x", ``, 405, "MethodNotAllowedException"},
			{"oversized body", "POST", "/graph", `{"Tags":{"k":"` + strings.Repeat("v", 300<<10) + `"}}`, 413, "RequestEntityTooLargeException"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := env.Do(admin, tc.method, tc.path, tc.body)
				var e errorResponse
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("body %q is not JSON: %v", body, err)
				}
				if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.typ || e.Type != tc.typ || e.Message == "" {
					t.Errorf("%s %s = %d %s %s, want %d %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, tc.status, tc.typ)
				}
			})
		}
		if list, err := env.Client(admin).ListGraphs(ctx, &detective.ListGraphsInput{}); err != nil || len(list.GraphList) != 0 {
			t.Errorf("ListGraphs after refused requests = %+v, %v; want none", list, err)
		}
	})
}
