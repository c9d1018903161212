package awsapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

// breakableStore is a working store until break is called; from then on
// every transaction fails with the given error, as a store whose database
// went away does.
type breakableStore struct {
	apitest.Store
	broken atomic.Pointer[error]
}

// World is the store's world, broken with it.
func (s *breakableStore) World() world.Store { return breakableWorld{s} }

type breakableWorld struct{ s *breakableStore }

func (w breakableWorld) Read(ctx context.Context, fn func(world.Tx) error) error {
	if err := w.s.broken.Load(); err != nil {
		return *err
	}
	return w.s.Store.World().Read(ctx, fn)
}

func (w breakableWorld) Write(ctx context.Context, fn func(world.Tx) error) error {
	if err := w.s.broken.Load(); err != nil {
		return *err
	}
	return w.s.Store.World().Write(ctx, fn)
}

func (s *breakableStore) breakWith(err error) { s.broken.Store(&err) }

func (s *breakableStore) Read(ctx context.Context, fn func(domain.Tx) error) error {
	if err := s.broken.Load(); err != nil {
		return *err
	}
	return s.Store.Read(ctx, fn)
}

func (s *breakableStore) Write(ctx context.Context, fn func(domain.Tx) error) error {
	if err := s.broken.Load(); err != nil {
		return *err
	}
	return s.Store.Write(ctx, fn)
}

// secret is text that appears only in the cause of the failures below: it
// must reach the log, never a client.
const secret = "password=hunter2 at 10.1.2.3:5432"

// TestInternalErrorsHideTheirCause: when the store fails, every service on
// the endpoint answers its own internal-error exception with a fixed
// message, never the cause: neither a plain error nor a domain error of
// the internal kind whose Message was built from the cause.
func TestInternalErrorsHideTheirCause(t *testing.T) {
	causes := []struct {
		name string
		err  error
	}{
		{"plain error", errors.New("query failed: " + secret)},
		{"internal domain error with the cause as message", &domain.Error{Kind: domain.KindInternal, Message: "query failed: " + secret, Err: errors.New(secret)}},
	}
	requests := []struct {
		name, wantType, wantMessage string
		req                         func(t *testing.T, env *apitest.Env) *http.Request
	}{
		{"Detective ListGraphs", "InternalServerException", "Internal server error", func(t *testing.T, env *apitest.Env) *http.Request {
			return mustSignedRequest(t, env, "detective", "/graphs/list", "application/json", `{}`)
		}},
		{"Detective CreateGraph", "InternalServerException", "Internal server error", func(t *testing.T, env *apitest.Env) *http.Request {
			return mustSignedRequest(t, env, "detective", "/graph", "application/json", `{}`)
		}},
		{"Organizations DescribeOrganization", "ServiceException", "", func(t *testing.T, env *apitest.Env) *http.Request {
			r := mustSignedRequest(t, env, "organizations", "/", "application/x-amz-json-1.1", `{}`)
			r.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization")
			apitest.Sign(t, r, "organizations", admin, `{}`)
			return r
		}},
		{"STS AssumeRole", "InternalFailure", "An internal error occurred.", func(t *testing.T, env *apitest.Env) *http.Request {
			return mustSignedRequest(t, env, "sts", "/", "application/x-www-form-urlencoded",
				"Action=AssumeRole&Version=2011-06-15&RoleSessionName=enrol&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fr")
		}},
	}
	for _, b := range apitest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			store := &breakableStore{Store: b.Open(t)}
			env := apitest.StartWorldOn(t, b, store, apitest.Options{}, organizations.Seed{})
			for _, cause := range causes {
				store.breakWith(cause.err)
				for _, rq := range requests {
					t.Run(cause.name+"/"+rq.name, func(t *testing.T) {
						resp, err := http.DefaultClient.Do(rq.req(t, env))
						if err != nil {
							t.Fatal(err)
						}
						defer resp.Body.Close()
						body, err := io.ReadAll(resp.Body)
						if err != nil {
							t.Fatal(err)
						}
						if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), rq.wantType) {
							t.Errorf("status %d body %s, want 500 %s", resp.StatusCode, body, rq.wantType)
						}
						if strings.Contains(string(body), "hunter2") || strings.Contains(string(body), "query failed") {
							t.Errorf("body %s carries the internal cause", body)
						}
						if rq.wantMessage != "" && !strings.Contains(string(body), rq.wantMessage) {
							t.Errorf("body %s, want the fixed message %q", body, rq.wantMessage)
						}
					})
				}
			}
		})
	}
}

func mustSignedRequest(t testing.TB, env *apitest.Env, service, path, contentType, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("POST", env.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", contentType)
	apitest.Sign(t, r, service, admin, body)
	return r
}
