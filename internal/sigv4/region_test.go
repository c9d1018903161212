package sigv4

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestValidRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region string
		want   bool
	}{
		{"us-east-1", true},
		{"eu-west-1", true},
		{"us-gov-west-1", true},
		{"ap-southeast-5", true},
		{"cn-northwest-1", true},
		{"us-isob-east-1", true},
		{"", false},
		{"r", false},
		{"local", false},
		{"US-EAST-1", false},
		{"us-east-1:999999999999:graph:x", false},
		{"us-east-1/x", false},
		{"us-east-", false},
		{"us--east-1", false},
		{"us-east-123", false},
		{"us-1", false},
		{"use-east-1", false},
		{"us-east-1a", false},
		{strings.Repeat("a", 50<<10), false},
		{"us-" + strings.Repeat("x", 20) + "-1", false},
	}
	for _, tc := range tests {
		if got := ValidRegion(tc.region); got != tc.want {
			t.Errorf("ValidRegion(%.40q) = %v, want %v", tc.region, got, tc.want)
		}
	}
}

// A credential scope whose region AWS would not accept is refused while
// parsing, so it is refused whether or not signatures are verified.
func TestParseRefusesMalformedRegion(t *testing.T) {
	t.Parallel()
	for _, region := range []string{"us-east-1:999999999999:graph:x", strings.Repeat("a", 50<<10), "local"} {
		r := httptest.NewRequest("POST", "/graph", nil)
		r.Header.Set("X-Amz-Date", "20250101T000000Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/"+region+
			"/detective/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		_, err := Parse(r)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidSignature || e.Status != 403 {
			t.Errorf("Parse(region %.40q) error = %v, want a 403 %s", region, err, CodeInvalidSignature)
		}
	}
}
