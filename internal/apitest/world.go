package apitest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"
	stssdk "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/detective-local/detective-local/internal/app"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sdkhttp"
	"github.com/detective-local/detective-local/internal/world"
)

// RunWorld is RunWith on the whole server (StartWorld): Detective, STS and
// Organizations on one endpoint, with world seeded.
func RunWorld(t *testing.T, opts Options, seed organizations.Seed, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, StartWorld(t, b, opts, seed))
		})
	}
}

// StartWorld starts the whole server on a fresh store of backend b, with
// the binary's own wiring (internal/app): every service behind dispatch,
// the operator endpoints with the world, opts.Accounts and seed applied.
// One Clock drives every service, the expiry of STS sessions and the
// signature clock skew. It stops with t.
func StartWorld(t testing.TB, b Backend, opts Options, seed organizations.Seed) *Env {
	t.Helper()
	return StartWorldOn(t, b, b.Open(t), opts, seed)
}

// StartWorldOn is StartWorld on an existing store of backend b: a second
// replica of a server StartWorld started, when given its Env.Store.
func StartWorldOn(t testing.TB, b Backend, store Store, opts Options, seed organizations.Seed) *Env {
	t.Helper()
	start := opts.Now
	if start.IsZero() {
		start = time.Now()
	}
	clock := NewClock(start)
	seed.Accounts = append(append([]world.Account(nil), opts.Accounts...), seed.Accounts...)
	srv, err := app.Start(context.Background(), store, app.Config{
		Addr:               "127.0.0.1:0",
		Clock:              clock,
		IDs:                opts.IDs,
		Logger:             slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Seed:               seed,
		Credentials:        opts.Credentials,
		VerifySignatures:   opts.VerifySignatures,
		DefaultAccount:     "000000000000",
		DefaultRegion:      DefaultRegion,
		MaxSkew:            5 * time.Minute,
		VerificationDelay:  opts.VerificationDelay,
		InvestigationDelay: opts.InvestigationDelay,
		MemberLimit:        opts.MemberLimit,
		VolumeLimit:        opts.VolumeLimit,
		ShutdownTimeout:    5 * time.Second,

		Investigation:         opts.Investigation,
		TTPs:                  opts.TTPs,
		Threats:               opts.Threats,
		Geo:                   opts.Geo,
		InvestigationInterval: opts.InvestigationInterval,
	})
	if err != nil {
		t.Fatalf("start the server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close the server: %v", err)
		}
	})
	return &Env{URL: "http://" + srv.Addr(), Clock: clock, Backend: b, Store: store, Pipeline: srv.Pipeline, t: t}
}

// Keys returns static credentials for account: the account ID as access
// key, as Client signs.
func Keys(account string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(account, "secret-"+account, "")
}

// Session returns credentials from an STS answer (AssumeRole's).
func Session(c *ststypes.Credentials) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

// STS returns an STS client in DefaultRegion with creds. Like Client it
// does not retry.
func (e *Env) STS(creds aws.CredentialsProvider) *stssdk.Client {
	return stssdk.New(stssdk.Options{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  creds,
		Retryer:      aws.NopRetryer{},
		HTTPClient:   sdkhttp.New(nil),
	})
}

// Organizations returns an Organizations client in DefaultRegion with
// creds. Like Client it does not retry.
func (e *Env) Organizations(creds aws.CredentialsProvider) *orgsdk.Client {
	return orgsdk.New(orgsdk.Options{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  creds,
		Retryer:      aws.NopRetryer{},
		HTTPClient:   sdkhttp.New(nil),
	})
}

// Detective returns a Detective client in DefaultRegion with creds (for
// session credentials; Client is the one for an account's own keys).
func (e *Env) Detective(creds aws.CredentialsProvider) *detective.Client {
	return detective.New(detective.Options{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  creds,
		Retryer:      aws.NopRetryer{},
		HTTPClient:   sdkhttp.New(nil),
	})
}

// Sign signs req, whose body is body, for service as account (the account
// ID as access key, as Client signs), for requests no SDK would send.
func Sign(t testing.TB, req *http.Request, service, account, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: account, SecretAccessKey: "secret-" + account}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, DefaultRegion, time.Now()); err != nil {
		t.Fatalf("sign: %v", err)
	}
}
