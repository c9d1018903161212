package awsapi_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/auth"
)

// TestCredentialMapping: a credential maps a non-numeric access key to an
// account; without verification, its secret does not matter.
func TestCredentialMapping(t *testing.T) {
	opts := apitest.Options{Credentials: map[string]auth.Credential{
		"AKIAADMIN": {AccessKeyID: "AKIAADMIN", SecretAccessKey: "s3cret", Account: admin},
	}}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		g := mustCreateGraph(t, env.ClientWithKey("AKIAADMIN", "anything", "eu-central-1"))
		a, err := arn.ParseGraph(g)
		if err != nil || a.Account != admin || a.Region != "eu-central-1" {
			t.Errorf("graph of AKIAADMIN = %s, %v; want account %s in eu-central-1", g, err, admin)
		}
		// An unknown non-numeric key is the default account.
		g0 := mustCreateGraph(t, env.ClientWithKey("AKIAUNKNOWN", "x", "eu-central-1"))
		if a, _ := arn.ParseGraph(g0); a.Account != "000000000000" {
			t.Errorf("graph of an unknown key = %s, want the default account", g0)
		}
	})
}

// TestSignatureVerification: with verification on, only valid signatures
// by known keys pass, and failures carry AWS's error codes.
func TestSignatureVerification(t *testing.T) {
	opts := apitest.Options{
		VerifySignatures: true,
		Credentials: map[string]auth.Credential{
			"AKIAADMIN":  {AccessKeyID: "AKIAADMIN", SecretAccessKey: "admin-secret", Account: admin},
			"AKIAMEMBER": {AccessKeyID: "AKIAMEMBER", SecretAccessKey: "member-secret", Account: member1},
		},
	}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.ClientWithKey("AKIAADMIN", "admin-secret", apitest.DefaultRegion)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		mustAccept(t, env.ClientWithKey("AKIAMEMBER", "member-secret", apitest.DefaultRegion), g)

		_, err := env.ClientWithKey("AKIAADMIN", "wrong", apitest.DefaultRegion).ListGraphs(ctx, &detective.ListGraphsInput{})
		wantAPIError(t, err, "InvalidSignatureException", 403)
		_, err = env.ClientWithKey("AKIANOBODY", "x", apitest.DefaultRegion).ListGraphs(ctx, &detective.ListGraphsInput{})
		wantAPIError(t, err, "UnrecognizedClientException", 403)
		// A 12-digit key is an account only if a credential knows it.
		_, err = env.Client(admin).ListGraphs(ctx, &detective.ListGraphsInput{})
		wantAPIError(t, err, "UnrecognizedClientException", 403)

		resp, err := http.Post(env.URL+"/graphs/list", "application/json", nil)
		if err != nil {
			t.Fatalf("unsigned request: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned request = %d %s, want 403 MissingAuthenticationTokenException", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
		// The refused requests changed nothing.
		list, err := adm.ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil || len(list.GraphList) != 1 || aws.ToString(list.GraphList[0].Arn) != g {
			t.Errorf("ListGraphs = %+v, %v; want %s", list, err, g)
		}
	})
}
