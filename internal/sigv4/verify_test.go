package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The credentials every test signs with; testdata/gen_botocore.py uses the
// same values.
const (
	testAccessKey     = "AKIDEXAMPLE"
	testSecret        = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testTempAccessKey = "ASIAEXAMPLE"
	testTempSecret    = "temporary/secret+key"
)

// testSignedAt is when the test requests are signed; never reassigned.
var testSignedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func testSecrets(key string) (string, bool) {
	switch key {
	case testAccessKey:
		return testSecret, true
	case testTempAccessKey:
		return testTempSecret, true
	}
	return "", false
}

func verifierAt(now time.Time) *Verifier {
	return &Verifier{Secret: testSecrets, Now: func() time.Time { return now }}
}

// clientRequest is a request as a client builds it before signing.
type clientRequest struct {
	method, url string
	header      map[string]string
	body        string
	presign     bool
	expires     time.Duration // X-Amz-Expires, presigned only
	creds       aws.Credentials
	region      string
	at          time.Time
}

func (c clientRequest) withDefaults() clientRequest {
	if c.method == "" {
		c.method = http.MethodPost
	}
	if c.creds.AccessKeyID == "" {
		c.creds = aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if c.at.IsZero() {
		c.at = testSignedAt
	}
	return c
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// mustSign signs c the way aws-sdk-go-v2 does and returns the bytes a client
// would put on the wire.
func mustSign(tb testing.TB, c clientRequest) []byte {
	tb.Helper()
	c = c.withDefaults()
	req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
	if err != nil {
		tb.Fatalf("NewRequest(%q) = %v", c.url, err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	signer := v4.NewSigner()
	hash := sha256Hex([]byte(c.body))
	if v := req.Header.Get("X-Amz-Content-Sha256"); v != "" {
		hash = v
	}
	if c.presign {
		if c.expires > 0 {
			q := req.URL.Query()
			q.Set("X-Amz-Expires", strconv.Itoa(int(c.expires/time.Second)))
			req.URL.RawQuery = q.Encode()
		}
		uri, signed, err := signer.PresignHTTP(context.Background(), c.creds, req, hash, "detective", c.region, c.at)
		if err != nil {
			tb.Fatalf("PresignHTTP(%q) = %v", c.url, err)
		}
		presigned, err := http.NewRequest(c.method, uri, strings.NewReader(c.body))
		if err != nil {
			tb.Fatalf("NewRequest(%q) = %v", uri, err)
		}
		for k, vs := range signed {
			if !strings.EqualFold(k, "Host") {
				presigned.Header[k] = vs
			}
		}
		req = presigned
	} else if err := signer.SignHTTP(context.Background(), c.creds, req, hash, "detective", c.region, c.at); err != nil {
		tb.Fatalf("SignHTTP(%q) = %v", c.url, err)
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		tb.Fatalf("Write(%q) = %v", c.url, err)
	}
	return buf.Bytes()
}

// mustRead parses raw as a server does, returning the request and its body.
func mustRead(tb testing.TB, raw []byte) (*http.Request, []byte) {
	tb.Helper()
	r, body, err := readRequest(raw)
	if err != nil {
		tb.Fatalf("ReadRequest(%q) = %v", raw, err)
	}
	return r, body
}

func readRequest(raw []byte) (*http.Request, []byte, error) {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	return r, body, nil
}

const testGraphARN = "arn:aws:detective:us-east-1:123456789012:graph:027c7c4610ea4aacaf0b883093cab899"

// escapedARN is testGraphARN as the SDKs put it in /tags/{ResourceArn}.
const escapedARN = "arn%3Aaws%3Adetective%3Aus-east-1%3A123456789012%3Agraph%3A027c7c4610ea4aacaf0b883093cab899"

func TestVerifyAcceptsGoSigner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  clientRequest
	}{
		{name: "POST JSON", req: clientRequest{
			url: "http://localhost:8000/graph/members/get", header: map[string]string{"Content-Type": "application/json"},
			body: `{"GraphArn":"` + testGraphARN + `","AccountIds":["210987654321"]}`,
		}},
		{name: "empty body", req: clientRequest{url: "http://localhost:8000/graphs/list"}},
		{name: "percent-encoded ARN in the path", req: clientRequest{
			method: http.MethodGet, url: "http://localhost:8000/tags/" + escapedARN,
		}},
		{name: "repeated and escaped query keys", req: clientRequest{
			method: http.MethodDelete, url: "http://localhost:8000/tags/" + escapedARN + "?tagKeys=team&tagKeys=cost%20centre&tagKeys=a%2Bb",
		}},
		{name: "default port", req: clientRequest{url: "http://detective.local/graphs/list", body: "{}"}},
		{name: "session token", req: clientRequest{
			url: "http://localhost:8000/graph/members", body: "{}",
			creds: aws.Credentials{AccessKeyID: testTempAccessKey, SecretAccessKey: testTempSecret, SessionToken: "FwoG//token="},
		}},
		{name: "extra signed headers with odd spacing", req: clientRequest{
			url: "http://localhost:8000/graphs/list", body: "{}",
			header: map[string]string{"Content-Type": "application/json", "X-Amz-Target": "a   b", "Amz-Sdk-Request": "attempt=1; max=3"},
		}},
		{name: "unsigned payload", req: clientRequest{
			url: "http://localhost:8000/graphs/list", body: "{}", header: map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"},
		}},
		{name: "signed payload hash header", req: clientRequest{
			url: "http://localhost:8000/graphs/list", body: "{}", header: map[string]string{"X-Amz-Content-Sha256": sha256Hex([]byte("{}"))},
		}},
		{name: "presigned GET", req: clientRequest{
			method: http.MethodGet, url: "http://localhost:8000/tags/" + escapedARN, presign: true, expires: 15 * time.Minute,
		}},
		{name: "presigned POST with a body and session token", req: clientRequest{
			url: "http://localhost:8000/graphs/list?x=1", body: `{"MaxResults":5}`, presign: true, expires: time.Hour,
			header: map[string]string{"Content-Type": "application/json"},
			creds:  aws.Credentials{AccessKeyID: testTempAccessKey, SecretAccessKey: testTempSecret, SessionToken: "tok"},
		}},
		{name: "presigned without X-Amz-Expires", req: clientRequest{
			method: http.MethodGet, url: "http://localhost:8000/graphs/list", presign: true,
		}},
		{name: "other region", req: clientRequest{url: "http://localhost:8000/graphs/list", body: "{}", region: "ap-southeast-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := mustSign(t, tc.req)
			r, body := mustRead(t, raw)
			sig, err := verifierAt(testSignedAt.Add(time.Minute)).Verify(r, body)
			if err != nil {
				t.Fatalf("Verify(%q) = %v, want nil", raw, err)
			}
			if sig.AccessKeyID != tc.req.withDefaults().creds.AccessKeyID || sig.Region != tc.req.withDefaults().region {
				t.Errorf("Verify(%q) = key %q region %q, want %q %q", raw, sig.AccessKeyID, sig.Region,
					tc.req.withDefaults().creds.AccessKeyID, tc.req.withDefaults().region)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	post := clientRequest{
		url: "http://localhost:8000/tags/" + escapedARN + "?a=1", body: `{"Tags":{"team":"red"}}`,
		header: map[string]string{"Content-Type": "application/json"},
	}
	presigned := clientRequest{method: http.MethodGet, url: "http://localhost:8000/tags/" + escapedARN, presign: true, expires: 5 * time.Minute}
	replace := func(old, new string) func([]byte) []byte {
		return func(raw []byte) []byte { return bytes.Replace(raw, []byte(old), []byte(new), 1) }
	}
	mismatch := errSignatureMismatch("", "").Message
	tests := []struct {
		name   string
		req    clientRequest
		tamper func([]byte) []byte
		now    time.Time
		want   *Error
	}{
		{
			name: "no signature", req: post,
			tamper: func(raw []byte) []byte {
				r, body := mustRead(t, raw)
				r.Header.Del("Authorization")
				var buf bytes.Buffer
				r.Body = io.NopCloser(bytes.NewReader(body))
				if err := r.Write(&buf); err != nil {
					t.Fatal(err)
				}
				return buf.Bytes()
			},
			want: &Error{Code: CodeMissingAuthenticationToken, Message: "Missing Authentication Token", Status: 403},
		},
		{
			name: "unknown access key",
			req:  clientRequest{url: post.url, body: post.body, creds: aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testSecret}},
			want: &Error{Code: CodeUnrecognizedClient, Message: "The security token included in the request is invalid.", Status: 403},
		},
		{
			name: "wrong secret",
			req:  clientRequest{url: post.url, body: post.body, creds: aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: "not-the-secret"}},
			want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403},
		},
		{
			name: "signed ten minutes ago", req: post, now: testSignedAt.Add(10 * time.Minute),
			want: &Error{Code: CodeInvalidSignature, Status: 403,
				Message: "Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z (20250101T001000Z - 5 min.)"},
		},
		{
			name: "signed ten minutes ahead", req: post, now: testSignedAt.Add(-10 * time.Minute),
			want: &Error{Code: CodeInvalidSignature, Status: 403,
				Message: "Signature not yet current: 20250101T000000Z is still later than 20241231T235500Z (20241231T235000Z + 5 min.)"},
		},
		{
			name: "presigned URL used after X-Amz-Expires", req: presigned, now: testSignedAt.Add(6 * time.Minute),
			want: &Error{Code: CodeInvalidSignature, Status: 403,
				Message: "Signature expired: 20250101T000000Z is now earlier than 20250101T000100Z (20250101T000600Z - 5 min.)"},
		},
		{
			name: "credential scope date is not the signing date", req: post,
			tamper: replace("X-Amz-Date: 20250101T000000Z", "X-Amz-Date: 20250102T000000Z"),
			now:    testSignedAt.Add(24 * time.Hour),
			want: &Error{Code: CodeInvalidSignature, Status: 403,
				Message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250101' != '20250102', from '20250102T000000Z'."},
		},
		{name: "body", req: post, tamper: replace(`"red"`, `"blu"`), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "signed header", req: post, tamper: replace("application/json", "application/jsox"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "host", req: post, tamper: replace("localhost:8000", "localhost:8001"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "method", req: post, tamper: replace("POST ", "PUT "), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "path escaping", req: post, tamper: replace("%3Agraph", "%3agraph"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "query", req: post, tamper: replace("?a=1", "?a=2"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "added query parameter", req: post, tamper: replace("?a=1", "?a=1&b=2"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "presigned path", req: presigned, tamper: replace("graph%3A", "graph%3B"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{name: "presigned expiry extended", req: presigned, tamper: replace("X-Amz-Expires=300", "X-Amz-Expires=900"), want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403}},
		{
			name: "payload hash header that does not match the body",
			req: clientRequest{url: post.url, body: post.body, header: map[string]string{
				"X-Amz-Content-Sha256": sha256Hex([]byte("something else")),
			}},
			want: &Error{Code: CodeInvalidSignature, Message: mismatch, Status: 403},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := mustSign(t, tc.req)
			if tc.tamper != nil {
				raw = tc.tamper(raw)
			}
			now := tc.now
			if now.IsZero() {
				now = testSignedAt
			}
			r, body := mustRead(t, raw)
			_, err := verifierAt(now).Verify(r, body)
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Verify(%q) = %v, want %v", raw, err, tc.want)
			}
			// Mismatch messages end with the canonical request we computed;
			// compare the fixed part only.
			if tc.want.Message == mismatch {
				got = &Error{Code: got.Code, Message: strings.SplitN(got.Message, "\n", 2)[0], Status: got.Status}
			}
			if *got != *tc.want {
				t.Errorf("Verify(%q) = %v, want %v", raw, got, tc.want)
			}
		})
	}
}

// A client may be unaware of headers added after it signed (a proxy's
// User-Agent, Accept-Encoding added by the transport): those do not matter.
func TestVerifyIgnoresUnsignedHeaders(t *testing.T) {
	t.Parallel()
	raw := mustSign(t, clientRequest{url: "http://localhost:8000/graphs/list", body: "{}"})
	raw = bytes.Replace(raw, []byte("\r\n\r\n"), []byte("\r\nX-Forwarded-For: 10.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n"), 1)
	raw = bytes.Replace(raw, []byte("Go-http-client/1.1"), []byte("curl/8.0"), 1)
	r, body := mustRead(t, raw)
	if _, err := verifierAt(testSignedAt).Verify(r, body); err != nil {
		t.Errorf("Verify(%q) = %v, want nil", raw, err)
	}
}

func TestVerifyMismatchShowsCanonicalRequest(t *testing.T) {
	t.Parallel()
	raw := mustSign(t, clientRequest{
		url: "http://localhost:8000/tags/" + escapedARN, body: "{}",
		creds: aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: "wrong"},
	})
	r, body := mustRead(t, raw)
	_, err := verifierAt(testSignedAt).Verify(r, body)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Verify(%q) = %v, want *Error", raw, err)
	}
	// The canonical URI escapes the already-escaped ARN once more, as every
	// SDK does for services other than S3.
	canonical := "POST\n/tags/arn%253Aaws%253Adetective%253Aus-east-1%253A123456789012%253Agraph%253A027c7c4610ea4aacaf0b883093cab899\n\n" +
		"content-length:2\nhost:localhost:8000\nx-amz-date:20250101T000000Z\n\n" +
		"content-length;host;x-amz-date\n" + sha256Hex([]byte("{}"))
	for _, want := range []string{
		"\n\nThe Canonical String for this request should have been\n'" + canonical + "'\n\n",
		"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20250101T000000Z\n20250101/us-east-1/detective/aws4_request\n",
	} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("Verify(%q) message = %q, want it to contain %q", raw, e.Message, want)
		}
	}
}

func TestVerifyDefaults(t *testing.T) {
	t.Parallel()
	// A zero MaxSkew is five minutes, and a nil Now is the real clock.
	raw := mustSign(t, clientRequest{url: "http://localhost:8000/graphs/list", body: "{}", at: time.Now().Add(-4 * time.Minute)})
	r, body := mustRead(t, raw)
	v := &Verifier{Secret: testSecrets}
	if _, err := v.Verify(r, body); err != nil {
		t.Errorf("Verify(%q) = %v, want nil", raw, err)
	}

	// A Verifier without Secret knows no key.
	var zero Verifier
	_, err := zero.Verify(r, body)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeUnrecognizedClient {
		t.Errorf("zero Verifier: Verify(%q) = %v, want %s", raw, err, CodeUnrecognizedClient)
	}

	// MaxSkew widens the window.
	raw = mustSign(t, clientRequest{url: "http://localhost:8000/graphs/list", body: "{}"})
	r, body = mustRead(t, raw)
	v = &Verifier{Secret: testSecrets, MaxSkew: 15 * time.Minute, Now: func() time.Time { return testSignedAt.Add(14 * time.Minute) }}
	if _, err := v.Verify(r, body); err != nil {
		t.Errorf("MaxSkew 15m: Verify(%q) = %v, want nil", raw, err)
	}
}
