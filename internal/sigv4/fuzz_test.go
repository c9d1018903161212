package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary Authorization headers, query strings and dates
// to Parse. It must never panic, and must answer with a signature,
// ErrNoSignature, or an IncompleteSignatureException.
func FuzzParse(f *testing.F) {
	f.Add(sampleAuth, "", "20250101T000000Z", "")
	f.Add("AWS4-HMAC-SHA256 Credential=ASIA/20250101/eu-west-1/detective/aws4_request,SignedHeaders=host,Signature=abc", "a=1", "", "Wed, 01 Jan 2025 00:00:00 GMT")
	f.Add("AWS4-HMAC-SHA256 Credential= AKID/20250101/us-east-1/detective/aws4_request, SignedHeaders=host, Signature=00", "", "20250101T000000Z", "")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=, Signature=", "", "2025", "")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=K/20250101/detective/aws4_request, SignedHeaders=host;x-amz-region-set, Signature=3045", "", "20250101T000000Z", "")
	f.Add("eyJhbGciOiJIUzI1NiJ9.e30.sig", "", "", "")
	f.Add("AWS4-HMAC-SHA256 ,,, = == Credential==/", "", "", "yesterday")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20250101%2Fus-east-1%2Fdetective%2Faws4_request"+
		"&X-Amz-Date=20250101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=ba4f", "", "")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20250101%2Fr%2Fs%2Faws4_request"+
		"&X-Amz-Date=20250101T000000Z&X-Amz-Expires=99999999999999999999&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "", "")
	f.Add("", "X-Amz-Signature=%zz&X-Amz-Algorithm;=1&X-Amz-Credential", "", "")
	f.Add("", "X-Amz-Expires=-0&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%2F%2F%2F%2F&X-Amz-Date=99991231T235959Z&X-Amz-SignedHeaders=;&X-Amz-Signature=x", "", "")

	f.Fuzz(func(t *testing.T, auth, rawQuery, amzDate, date string) {
		r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/", RawQuery: rawQuery}, Header: http.Header{}}
		for k, v := range map[string]string{"Authorization": auth, "X-Amz-Date": amzDate, "Date": date} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		sig, err := Parse(r)
		var e *Error
		switch {
		case err == nil:
			if sig.Expires < 0 || sig.Expires > maxExpires {
				t.Errorf("Parse(%q, %q) = Expires %v, want 0..%v", auth, rawQuery, sig.Expires, maxExpires)
			}
		case errors.Is(err, ErrNoSignature):
		case errors.As(err, &e):
			if e.Code != CodeIncompleteSignature || e.Status != http.StatusForbidden || e.Message == "" {
				t.Errorf("Parse(%q, %q) = %#v, want a 403 %s with a message", auth, rawQuery, e, CodeIncompleteSignature)
			}
		default:
			t.Errorf("Parse(%q, %q) = %v, want nil, ErrNoSignature or *Error", auth, rawQuery, err)
		}
	})
}

// FuzzVerify feeds whole HTTP requests to Verify, seeded with the botocore
// requests in testdata. It must never panic, and every failure must be one
// of AWS's errors.
func FuzzVerify(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "botocore", "*.http"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add(mustSign(f, clientRequest{url: "http://localhost:8000/tags/" + escapedARN + "?a=1&a=2", body: "{}"}))
	f.Add(mustSign(f, clientRequest{method: http.MethodGet, url: "http://localhost:8000/tags/" + escapedARN, presign: true}))

	v := verifierAt(testSignedAt)
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, body, err := readRequest(raw)
		if err != nil {
			return
		}
		_, err = v.Verify(r, body)
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Status != http.StatusForbidden) {
			t.Errorf("Verify(%q) = %v, want nil or a 403 *Error", raw, err)
		}
	})
}
