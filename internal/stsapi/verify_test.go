package stsapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/organizations"
)

// TestSessionsWithVerifiedSignatures: with verification on, session
// credentials sign like any key, must carry their token, and work on a
// second replica of the same store.
func TestSessionsWithVerifiedSignatures(t *testing.T) {
	const key, secret = "AKIACALLEREXAMPLE001", "caller-secret"
	opts := apitest.Options{VerifySignatures: true, Credentials: map[string]auth.Credential{
		key: {AccessKeyID: key, SecretAccessKey: secret, Account: caller},
	}}
	for _, b := range apitest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			one := apitest.StartWorld(t, b, opts, organizations.Seed{})
			two := apitest.StartWorldOn(t, b, one.Store, opts, organizations.Seed{})
			_, err := one.STS(credentials.NewStaticCredentialsProvider(key, "wrong", "")).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
			wantCode(t, "GetCallerIdentity with a wrong secret", err, "SignatureDoesNotMatch")
			_, err = one.STS(apitest.Keys(caller)).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
			wantCode(t, "GetCallerIdentity with an unknown key", err, "InvalidClientTokenId")

			out := mustAssumeRole(t, one.STS(credentials.NewStaticCredentialsProvider(key, secret, "")), roleARN(target), "verified")
			id, err := two.STS(apitest.Session(out.Credentials)).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
			if err != nil || aws.ToString(id.Account) != target {
				t.Fatalf("GetCallerIdentity on the other replica = %+v, %v; want %s", id, err, target)
			}
			if _, err := two.Organizations(apitest.Session(out.Credentials)).CreateOrganization(ctx, &orgsdk.CreateOrganizationInput{}); err != nil {
				t.Errorf("CreateOrganization with session credentials on the other replica: %v", err)
			}
			noToken := credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), "")
			_, err = two.STS(noToken).GetCallerIdentity(ctx, &stssdk.GetCallerIdentityInput{})
			wantCode(t, "GetCallerIdentity without the session token", err, "InvalidClientTokenId")
			_, err = two.Organizations(noToken).DescribeOrganization(ctx, &orgsdk.DescribeOrganizationInput{})
			wantCode(t, "DescribeOrganization without the session token", err, "UnrecognizedClientException")
		})
	}
}
