// Package apitest is the end-to-end harness: it starts the whole server,
// with the binary's own wiring (internal/app), over real HTTP on a chosen
// store and hands out aws-sdk-go-v2 clients, one per simulated account,
// that sign with SigV4. It is imported only by tests.
package apitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/auth"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sdkhttp"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
	"github.com/detective-local/detective-local/internal/world"
)

// DefaultRegion is the region clients use unless a test picks another.
const DefaultRegion = "us-east-1"

// Options configure one server.
type Options struct {
	VerificationDelay  time.Duration
	InvestigationDelay time.Duration
	MemberLimit        int
	VolumeLimit        int64
	Accounts           []world.Account            // seeded account facts
	Credentials        map[string]auth.Credential // access key → account
	VerifySignatures   bool
	// Now is where the Clock starts (zero: the wall clock's time), and IDs
	// makes graph and investigation IDs (nil: random ones), for tests
	// that compare whole responses.
	Now time.Time
	IDs domain.IDSource

	// Investigation, TTPs, Threats and Geo configure the investigation
	// engine and the enrichment of ingested addresses as app.Config does.
	Investigation         *investigate.Settings
	TTPs                  *ttp.Table
	Threats               *threatintel.Set
	Geo                   ingest.Locator
	InvestigationInterval time.Duration
}

// Env is one running server on one store.
type Env struct {
	URL     string
	Clock   *Clock
	Backend Backend
	Store   Store
	// Pipeline ingests into the server's behavior graphs, as the binary's
	// ingest endpoint does.
	Pipeline *ingest.Pipeline
	t        testing.TB
}

// Run runs fn once per backend (SQLite always; PostgreSQL when configured),
// each with a fresh server with default options.
func Run(t *testing.T, fn func(t *testing.T, env *Env)) {
	RunWith(t, Options{}, fn)
}

// RunWith is Run with options.
func RunWith(t *testing.T, opts Options, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, Start(t, b, opts))
		})
	}
}

// Start starts a server on a fresh store of backend b, wired as the binary
// wires it (StartWorld) with an empty world but opts.Accounts. It stops
// with t.
func Start(t testing.TB, b Backend, opts Options) *Env {
	t.Helper()
	return StartWorld(t, b, opts, organizations.Seed{})
}

// Client returns a Detective client for account in DefaultRegion, signing
// with the account ID as access key. It does not retry, so tests see every
// error as the server sent it.
func (e *Env) Client(account string) *detective.Client {
	return e.ClientIn(account, DefaultRegion)
}

// ClientIn is Client in another region.
func (e *Env) ClientIn(account, region string) *detective.Client {
	return e.ClientWithKey(account, "secret-"+account, region)
}

// ClientWithKey returns a client signing with the given access key and
// secret.
func (e *Env) ClientWithKey(accessKey, secret, region string) *detective.Client {
	return detective.New(detective.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   sdkhttp.New(nil),
	})
}

// Do sends a raw request signed as account (for bodies no SDK would send)
// and returns the response with its body read.
func (e *Env) Do(account, method, path, body string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: account, SecretAccessKey: "secret-" + account}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "detective", DefaultRegion, time.Now()); err != nil {
		e.t.Fatalf("sign: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	return resp, b
}

// Clock is a settable clock for the service.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock set to now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testWriter sends server logs to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// RunJob runs a periodic job now through its operator endpoint
// (POST /_detective/jobs/NAME), and fails t unless it succeeds.
func (e *Env) RunJob(name string) {
	e.t.Helper()
	resp, err := http.Post(e.URL+"/_detective/jobs/"+name, "application/json", nil)
	if err != nil {
		e.t.Fatalf("run job %s: %v", name, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("run job %s: status %d", name, resp.StatusCode)
	}
}
