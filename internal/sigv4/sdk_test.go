package sigv4

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
	"github.com/aws/smithy-go"
)

// verifyingServer answers every request with "{}" when Verify accepts it,
// and with the *Error as the API layer writes it otherwise. It records the
// signatures it saw.
type verifyingServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []Signature
}

func newVerifyingServer(tb testing.TB, v *Verifier) *verifyingServer {
	tb.Helper()
	s := &verifyingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sig, err := v.Verify(r, body)
		var e *Error
		if errors.As(err, &e) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", e.Code)
			w.WriteHeader(e.Status)
			_ = json.NewEncoder(w).Encode(map[string]string{"message": e.Message})
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.mu.Lock()
		s.seen = append(s.seen, sig)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{}")
	}))
	tb.Cleanup(s.Close)
	return s
}

func newDetectiveClient(srv *verifyingServer, region string, creds aws.Credentials) *detective.Client {
	return detective.New(detective.Options{
		Region:           region,
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.StaticCredentialsProvider{Value: creds},
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
	})
}

// TestVerifyDetectiveClient drives the real aws-sdk-go-v2 Detective client
// against a server that verifies every request: bodies, the percent-encoded
// ARN in /tags/{ResourceArn}, repeated query keys and session tokens.
func TestVerifyDetectiveClient(t *testing.T) {
	t.Parallel()
	srv := newVerifyingServer(t, &Verifier{Secret: testSecrets})
	ctx := context.Background()
	long := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}
	temp := aws.Credentials{AccessKeyID: testTempAccessKey, SecretAccessKey: testTempSecret, SessionToken: "FwoG//token="}

	calls := []struct {
		name string
		call func(*detective.Client) error
	}{
		{"ListGraphs", func(c *detective.Client) error {
			_, err := c.ListGraphs(ctx, &detective.ListGraphsInput{MaxResults: aws.Int32(5)})
			return err
		}},
		{"CreateMembers", func(c *detective.Client) error {
			_, err := c.CreateMembers(ctx, &detective.CreateMembersInput{
				GraphArn: aws.String(testGraphARN), Message: aws.String("Join – über graph"),
				Accounts: []types.Account{{AccountId: aws.String("210987654321"), EmailAddress: aws.String("ops@example.com")}},
			})
			return err
		}},
		{"ListTagsForResource", func(c *detective.Client) error {
			_, err := c.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: aws.String(testGraphARN)})
			return err
		}},
		{"TagResource", func(c *detective.Client) error {
			_, err := c.TagResource(ctx, &detective.TagResourceInput{
				ResourceArn: aws.String(testGraphARN), Tags: map[string]string{"cost centre": "a/b+c"},
			})
			return err
		}},
		{"UntagResource", func(c *detective.Client) error {
			_, err := c.UntagResource(ctx, &detective.UntagResourceInput{
				ResourceArn: aws.String(testGraphARN), TagKeys: []string{"team", "cost centre", "a&b=c"},
			})
			return err
		}},
	}
	for _, creds := range []aws.Credentials{long, temp} {
		for _, region := range []string{"us-east-1", "eu-central-1"} {
			client := newDetectiveClient(srv, region, creds)
			for _, tc := range calls {
				if err := tc.call(client); err != nil {
					t.Errorf("%s (key %s, %s) = %v, want nil", tc.name, creds.AccessKeyID, region, err)
				}
			}
		}
	}

	srv.mu.Lock()
	defer srv.mu.Unlock()
	if want := 2 * 2 * len(calls); len(srv.seen) != want {
		t.Fatalf("server verified %d requests, want %d", len(srv.seen), want)
	}
	if got := srv.seen[len(srv.seen)-1]; got.SecurityToken != temp.SessionToken || got.Region != "eu-central-1" || got.Service != "detective" {
		t.Errorf("last Signature = %+v, want token %q, region eu-central-1, service detective", got, temp.SessionToken)
	}
}

func TestVerifyDetectiveClientErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		verifier *Verifier
		creds    aws.Credentials
		wantCode string
	}{
		{"wrong secret", &Verifier{Secret: testSecrets}, aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: "wrong"}, CodeInvalidSignature},
		{"unknown key", &Verifier{Secret: testSecrets}, aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "x"}, CodeUnrecognizedClient},
		{"client clock an hour fast", &Verifier{Secret: testSecrets, Now: func() time.Time { return time.Now().Add(-time.Hour) }},
			aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, CodeInvalidSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newVerifyingServer(t, tc.verifier)
			_, err := newDetectiveClient(srv, "us-east-1", tc.creds).ListGraphs(ctx, &detective.ListGraphsInput{})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListGraphs = %v, want an API error %s", err, tc.wantCode)
			}
			if apiErr.ErrorCode() != tc.wantCode {
				t.Errorf("ListGraphs error code = %q, want %q", apiErr.ErrorCode(), tc.wantCode)
			}
			if tc.wantCode == CodeInvalidSignature && strings.TrimSpace(apiErr.ErrorMessage()) == "" {
				t.Errorf("ListGraphs error message is empty, want AWS's text")
			}
		})
	}
}
