package stsapi_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/organizations"
)

const (
	caller = "111111111111"
	target = "222222222222"
)

func roleARN(account string) string { return "arn:aws:iam::" + account + ":role/path/Admin" }

func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("%s = %v, want %s", what, err, code)
	}
}

func mustAssumeRole(t testing.TB, c *stssdk.Client, role, session string) *stssdk.AssumeRoleOutput {
	t.Helper()
	out, err := c.AssumeRole(context.Background(), &stssdk.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String(session)})
	if err != nil {
		t.Fatalf("AssumeRole(%s): %v", role, err)
	}
	return out
}

func TestGetCallerIdentity(t *testing.T) {
	opts := apitest.Options{Credentials: map[string]auth.Credential{
		"AKIAEXAMPLEKEY000001": {AccessKeyID: "AKIAEXAMPLEKEY000001", SecretAccessKey: "s", Account: "333333333333"},
	}}
	apitest.RunWorld(t, opts, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		for _, tc := range []struct{ key, account string }{
			{caller, caller},
			{"AKIAEXAMPLEKEY000001", "333333333333"},
			{"AKIAUNKNOWN000000000", "000000000000"},
		} {
			out, err := env.STS(credentials.NewStaticCredentialsProvider(tc.key, "s", "")).GetCallerIdentity(context.Background(), &stssdk.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity(%s): %v", tc.key, err)
			}
			if aws.ToString(out.Account) != tc.account || aws.ToString(out.Arn) != "arn:aws:iam::"+tc.account+":root" ||
				aws.ToString(out.UserId) != tc.account {
				t.Errorf("GetCallerIdentity(%s) = %s %s %s, want the root of %s", tc.key,
					aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId), tc.account)
			}
		}
	})
}

func TestAssumeRole(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		out := mustAssumeRole(t, env.STS(apitest.Keys(caller)), roleARN(target), "ci-run")
		creds := out.Credentials
		if !strings.HasPrefix(aws.ToString(creds.AccessKeyId), "ASIA") || len(aws.ToString(creds.AccessKeyId)) != 20 ||
			len(aws.ToString(creds.SecretAccessKey)) != 40 || aws.ToString(creds.SessionToken) == "" ||
			(creds.Expiration.Sub(env.Clock.Now())-time.Hour).Abs() > time.Second {
			t.Errorf("AssumeRole credentials = %+v, want ASIA… expiring in an hour", creds)
		}
		wantARN := "arn:aws:sts::" + target + ":assumed-role/Admin/ci-run"
		if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") ||
			!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":ci-run") {
			t.Errorf("AssumedRoleUser = %+v, want %s", out.AssumedRoleUser, wantARN)
		}

		session := env.STS(apitest.Session(creds))
		id, err := session.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity with session credentials: %v", err)
		}
		if aws.ToString(id.Account) != target || aws.ToString(id.Arn) != wantARN || aws.ToString(id.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
			t.Errorf("GetCallerIdentity with session credentials = %s %s %s, want %s in %s",
				aws.ToString(id.Account), aws.ToString(id.Arn), aws.ToString(id.UserId), wantARN, target)
		}
		// The same role always has the same role ID.
		again := mustAssumeRole(t, env.STS(apitest.Keys(caller)), roleARN(target), "ci-run")
		if aws.ToString(again.AssumedRoleUser.AssumedRoleId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
			t.Errorf("AssumedRoleId changed between sessions: %s, %s", aws.ToString(out.AssumedRoleUser.AssumedRoleId), aws.ToString(again.AssumedRoleUser.AssumedRoleId))
		}

		// Every service sees the role's account.
		g, err := env.Detective(apitest.Session(creds)).CreateGraph(ctx, &detective.CreateGraphInput{})
		if err != nil || !strings.Contains(aws.ToString(g.GraphArn), ":"+target+":") {
			t.Errorf("CreateGraph with session credentials = %v, %v; want a graph of %s", g, err, target)
		}
		if _, err := env.Organizations(apitest.Session(creds)).CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{}); err != nil {
			t.Fatalf("CreateOrganization with session credentials: %v", err)
		}
		o, err := env.Organizations(apitest.Keys(target)).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		if err != nil || aws.ToString(o.Organization.MasterAccountId) != target {
			t.Errorf("DescribeOrganization by %s = %+v, %v; want it to manage the organization its role created", target, o, err)
		}

		// Role chaining is limited to one hour.
		_, err = session.AssumeRole(ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(roleARN("333333333333")),
			RoleSessionName: aws.String("chain"), DurationSeconds: aws.Int32(7200)})
		wantCode(t, "AssumeRole by role chaining for two hours", err, "ValidationError")
		chained, err := session.AssumeRole(ctx, &stssdk.AssumeRoleInput{RoleArn: aws.String(roleARN("333333333333")), RoleSessionName: aws.String("chain")})
		if err != nil {
			t.Fatalf("AssumeRole by role chaining: %v", err)
		}
		if id, err := env.STS(apitest.Session(chained.Credentials)).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{}); err != nil ||
			aws.ToString(id.Account) != "333333333333" {
			t.Errorf("GetCallerIdentity of the chained session = %+v, %v", id, err)
		}

		// After the expiry every service refuses the credentials.
		env.Clock.Advance(time.Hour)
		_, err = session.GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
		wantCode(t, "GetCallerIdentity with expired credentials", err, "ExpiredToken")
		_, err = env.Organizations(apitest.Session(creds)).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
		wantCode(t, "DescribeOrganization with expired credentials", err, "ExpiredTokenException")
		_, err = env.Detective(apitest.Session(creds)).ListGraphs(ctx, &detective.ListGraphsInput{})
		wantCode(t, "ListGraphs with expired credentials", err, "ExpiredTokenException")
	})
}

func TestAssumeRoleValidation(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		// Raw requests: the SDK checks lengths itself before sending.
		for _, tc := range []struct {
			name, form, code, message string
		}{
			{"no role", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1",
				"ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"},
			{"short session name", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s&RoleArn=" + url.QueryEscape(roleARN(target)),
				"ValidationError", "Member must have length greater than or equal to 2"},
			{"two violations", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bad%20name&RoleArn=" + url.QueryEscape(roleARN(target)) + "&DurationSeconds=60",
				"ValidationError", "2 validation errors detected"},
			{"not a role", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1&RoleArn=" + url.QueryEscape("arn:aws:iam::222222222222:user/alice"),
				"ValidationError", "is invalid"},
			{"policy not JSON", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1&Policy=%7Bnope&RoleArn=" + url.QueryEscape(roleARN(target)),
				"MalformedPolicyDocument", "JSON"},
			{"unknown action", "Action=GetFederationToken&Version=2011-06-15", "InvalidAction",
				"Could not find operation GetFederationToken for version 2011-06-15"},
			{"other version", "Action=GetCallerIdentity&Version=2010-01-01", "InvalidAction", "for version 2010-01-01"},
			{"no action", "Version=2011-06-15", "MissingAction", "Missing Action"},
		} {
			resp, body := postForm(t, env, caller, tc.form)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<Code>"+tc.code+"</Code>") ||
				!strings.Contains(body, tc.message) || !strings.Contains(body, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) ||
				!strings.Contains(body, "<Type>Sender</Type>") || !strings.Contains(body, "<RequestId>"+resp.Header.Get("X-Amzn-Requestid")+"</RequestId>") {
				t.Errorf("%s: %d %s, want 400 %s %q", tc.name, resp.StatusCode, body, tc.code, tc.message)
			}
		}
		resp, body := postForm(t, env, caller, "Action=GetCallerIdentity&Version=2011-06-15")
		want := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
			`<Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account></GetCallerIdentityResult>` +
			`<ResponseMetadata><RequestId>` + resp.Header.Get("X-Amzn-Requestid") + `</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
		if resp.StatusCode != http.StatusOK || body != want || resp.Header.Get("Content-Type") != "text/xml" {
			t.Errorf("GetCallerIdentity = %d %s %s\nwant %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
	})
}

// postForm sends a query-protocol request signed for sts as account.
func postForm(t testing.TB, env *apitest.Env, account, form string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/", strings.NewReader(form))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	apitest.Sign(t, req, "sts", account, form)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return resp, html.UnescapeString(string(b)) // encoding/xml escapes ' in text
}
