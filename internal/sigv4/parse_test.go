package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const sampleAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/detective/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date, Signature=9c1742912cc0f360bef1aabcfd5da032d5ad6adf1d07fe1fb906c08fcc4dc0a0"

func newRequest(tb testing.TB, target string, header map[string]string) *http.Request {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return r
}

func TestParse(t *testing.T) {
	t.Parallel()
	signedAt := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		target string
		header map[string]string
		want   Signature
	}{
		{
			name:   "header",
			target: "/graphs/list",
			header: map[string]string{"Authorization": sampleAuth, "X-Amz-Date": "20250101T000000Z"},
			want: Signature{
				AccessKeyID: "AKIDEXAMPLE", Date: "20250101", Region: "us-east-1", Service: "detective",
				SignedHeaders: []string{"content-type", "host", "x-amz-date"},
				Signature:     "9c1742912cc0f360bef1aabcfd5da032d5ad6adf1d07fe1fb906c08fcc4dc0a0",
				Time:          signedAt,
			},
		},
		{
			name:   "header with tabs and repeated separators, first of each parameter winning",
			target: "/graphs/list",
			header: map[string]string{
				"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20250101/eu-west-1/detective/aws4_request,\tSignedHeaders=host , ,Signature=abc\tSignature=def,Other=x",
				"X-Amz-Date":    "20250101T000000Z",
			},
			want: Signature{
				AccessKeyID: "AK", Date: "20250101", Region: "eu-west-1", Service: "detective",
				SignedHeaders: []string{"host"}, Signature: "abc", Time: signedAt,
			},
		},
		{
			name:   "header with session token and no spaces after commas",
			target: "/graphs/list",
			header: map[string]string{
				"Authorization":        "AWS4-HMAC-SHA256 Credential=ASIA/20250101/eu-west-1/detective/aws4_request,SignedHeaders=host;x-amz-date;x-amz-security-token,Signature=abc",
				"X-Amz-Date":           "20250101T000000Z",
				"X-Amz-Security-Token": "token",
			},
			want: Signature{
				AccessKeyID: "ASIA", Date: "20250101", Region: "eu-west-1", Service: "detective",
				SignedHeaders: []string{"host", "x-amz-date", "x-amz-security-token"},
				Signature:     "abc", Time: signedAt, SecurityToken: "token",
			},
		},
		{
			name:   "Date header when there is no X-Amz-Date",
			target: "/graphs/list",
			header: map[string]string{"Authorization": sampleAuth, "Date": "Wed, 01 Jan 2025 00:00:00 GMT"},
			want: Signature{
				AccessKeyID: "AKIDEXAMPLE", Date: "20250101", Region: "us-east-1", Service: "detective",
				SignedHeaders: []string{"content-type", "host", "x-amz-date"},
				Signature:     "9c1742912cc0f360bef1aabcfd5da032d5ad6adf1d07fe1fb906c08fcc4dc0a0",
				Time:          signedAt,
			},
		},
		{
			name:   "Date header with a numeric zone, as botocore writes it",
			target: "/graphs/list",
			header: map[string]string{"Authorization": sampleAuth, "Date": "Wed, 01 Jan 2025 00:00:00 -0000"},
			want: Signature{
				AccessKeyID: "AKIDEXAMPLE", Date: "20250101", Region: "us-east-1", Service: "detective",
				SignedHeaders: []string{"content-type", "host", "x-amz-date"},
				Signature:     "9c1742912cc0f360bef1aabcfd5da032d5ad6adf1d07fe1fb906c08fcc4dc0a0",
				Time:          signedAt,
			},
		},
		{
			name:   "X-Amz-Date wins over Date",
			target: "/graphs/list",
			header: map[string]string{"Authorization": sampleAuth, "X-Amz-Date": "20250101T000000Z", "Date": "Thu, 02 Jan 2025 00:00:00 GMT"},
			want: Signature{
				AccessKeyID: "AKIDEXAMPLE", Date: "20250101", Region: "us-east-1", Service: "detective",
				SignedHeaders: []string{"content-type", "host", "x-amz-date"},
				Signature:     "9c1742912cc0f360bef1aabcfd5da032d5ad6adf1d07fe1fb906c08fcc4dc0a0",
				Time:          signedAt,
			},
		},
		{
			name: "presigned",
			target: "/tags/arn%3Aaws%3Adetective?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
				"&X-Amz-Credential=AKIDEXAMPLE%2F20250101%2Fus-east-1%2Fdetective%2Faws4_request" +
				"&X-Amz-Date=20250101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host" +
				"&X-Amz-Security-Token=tok%2Fen&X-Amz-Signature=ba4f",
			want: Signature{
				AccessKeyID: "AKIDEXAMPLE", Date: "20250101", Region: "us-east-1", Service: "detective",
				SignedHeaders: []string{"host"}, Signature: "ba4f", Time: signedAt,
				Presigned: true, Expires: 5 * time.Minute, SecurityToken: "tok/en",
			},
		},
		{
			name: "presigned without X-Amz-Expires",
			target: "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20250101%2Feu-west-1%2Fs%2Faws4_request" +
				"&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			want: Signature{
				AccessKeyID: "K", Date: "20250101", Region: "eu-west-1", Service: "s",
				SignedHeaders: []string{"host"}, Signature: "00", Time: signedAt, Presigned: true,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(newRequest(t, tc.target, tc.header))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v, want nil", tc.target, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.target, diff)
			}
		})
	}
}

func TestParseNoSignature(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"/graphs/list", "/tags/x?tagKeys=a", "/?X-Amz-Date=20250101T000000Z"} {
		_, err := Parse(newRequest(t, target, map[string]string{"Authorization": "  "}))
		if !errors.Is(err, ErrNoSignature) {
			t.Errorf("Parse(%q) error = %v, want ErrNoSignature", target, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	date := map[string]string{"X-Amz-Date": "20250101T000000Z"}
	with := func(auth string) map[string]string {
		return map[string]string{"Authorization": auth, "X-Amz-Date": "20250101T000000Z"}
	}
	presign := "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=K%2F20250101%2Fr%2Fs%2Faws4_request" +
		"&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
	tests := []struct {
		name        string
		target      string
		header      map[string]string
		wantMessage string
	}{
		{
			name:   "bearer token",
			target: "/", header: map[string]string{"Authorization": "eyJhbGciOiJIUzI1NiJ9.e30.sig"},
			wantMessage: "Authorization header requires 'Credential' parameter. " +
				"Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
				"Authorization=eyJhbGciOiJIUzI1NiJ9.e30.sig",
		},
		{
			name:   "missing Signature and SignedHeaders",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=ABCDEF"),
			wantMessage: "Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF",
		},
		{
			name:   "space inside the credential",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=AKID /20250101/us-east-1/detective/aws4_request, SignedHeaders=host, Signature=00"),
			wantMessage: "'/20250101/us-east-1/detective/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=AKID /20250101/us-east-1/detective/aws4_request, SignedHeaders=host, Signature=00'.",
		},
		{
			name:   "missing equal sign",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=K/20250101/r/s/aws4_request, SignedHeaders, Signature=00"),
			wantMessage: "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=K/20250101/r/s/aws4_request, SignedHeaders, Signature=00'.",
		},
		{
			name:   "credential with four elements",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=K/20250101/r/aws4_request, SignedHeaders=host, Signature=00"),
			wantMessage: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'K/20250101/r/aws4_request'",
		},
		{
			name:   "credential with a slash in the key",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=foo/bar/20250101/r/s/aws4_request, SignedHeaders=host, Signature=00"),
			wantMessage: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'foo/bar/20250101/r/s/aws4_request'",
		},
		{
			name:   "bad terminator",
			target: "/", header: with("AWS4-HMAC-SHA256 Credential=K/20250101/r/s/aws5_request, SignedHeaders=host, Signature=00"),
			wantMessage: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
		},
		{
			name:   "SigV4a",
			target: "/", header: with("AWS4-ECDSA-P256-SHA256 Credential=K/20250101/r/s/aws4_request, SignedHeaders=host, Signature=00"),
			wantMessage: "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'. Only 'AWS4-HMAC-SHA256' is supported.",
		},
		{
			name:   "malformed X-Amz-Date",
			target: "/", header: map[string]string{"Authorization": sampleAuth, "X-Amz-Date": "2025-01-01T00:00:00Z"},
			wantMessage: "Date must be in ISO-8601 'basic format'. Got '2025-01-01T00:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:   "malformed Date",
			target: "/", header: map[string]string{"Authorization": sampleAuth, "Date": "yesterday"},
			wantMessage: "Date header must be an HTTP date (RFC 7231). Got 'yesterday'.",
		},
		{
			name:   "presigned without signed headers",
			target: strings.Replace(presign, "&X-Amz-SignedHeaders=host", "", 1), header: date,
			wantMessage: "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
		},
		{
			name:        "presigned with another algorithm",
			target:      strings.Replace(presign, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1),
			wantMessage: `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256", got "AWS4-ECDSA-P256-SHA256".`,
		},
		{
			name:        "presigned with a malformed date",
			target:      strings.Replace(presign, "20250101T000000Z", "20250101", 1),
			wantMessage: "Date must be in ISO-8601 'basic format'. Got '20250101'. See http://en.wikipedia.org/wiki/ISO_8601",
		},
		{
			name:        "presigned expiry not a number",
			target:      presign + "&X-Amz-Expires=soon",
			wantMessage: "X-Amz-Expires should be a number",
		},
		{
			name:        "presigned expiry negative",
			target:      presign + "&X-Amz-Expires=-1",
			wantMessage: "X-Amz-Expires must be non-negative",
		},
		{
			name:        "presigned expiry over a week",
			target:      presign + "&X-Amz-Expires=604801",
			wantMessage: "X-Amz-Expires must be less than a week (in seconds) that is 604800",
		},
		{
			name:        "presigned credential malformed",
			target:      strings.Replace(presign, "K%2F20250101", "K20250101", 1),
			wantMessage: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'K20250101/r/s/aws4_request'",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(newRequest(t, tc.target, tc.header))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error = %v, want *Error", tc.target, err)
			}
			want := &Error{Code: CodeIncompleteSignature, Message: tc.wantMessage, Status: http.StatusForbidden}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", tc.target, diff)
			}
		})
	}
}

func TestParseBasicTimeMatchesTimeParse(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"20250101T000000Z", "20241231T235959Z", "20240229T120000Z", "20250229T120000Z",
		"20250431T000000Z", "20251301T000000Z", "20250001T000000Z", "20250100T000000Z", "20250101T240000Z",
		"20250101T006000Z", "20250101T000060Z", "00000101T000000Z", "99991231T235959Z", "2025010IT000000Z",
		"20250101 000000Z", "20250101T000000z", "20250101T000000", "2025-01-01T00:00:00Z", "+0250101T000000Z", ""} {
		want, err := time.Parse(timeFormat, v)
		got, ok := parseBasicTime(v)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("parseBasicTime(%q) = %v, %v; time.Parse = %v, %v", v, got, ok, want, err)
		}
	}
}
