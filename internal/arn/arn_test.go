package arn

import (
	"regexp"
	"strings"
	"testing"
)

// graphPattern is the model's GraphArn pattern, which parseGraphARN checks
// without a regular expression.
var graphPattern = regexp.MustCompile(`^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}?:graph:[abcdef\d]{32}?$`)

func FuzzGraphARNMatchesPattern(f *testing.F) {
	const g = "arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899"
	for _, s := range []string{g, "", "arn:aws", "arn:aws::detective:us:111122223333:graph:" + strings.Repeat("a", 32),
		"arn:aws-us-gov_X9:detective:us-gov-west-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws-0123456789:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws-01234567890:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:u:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:" + strings.Repeat("r", 20) + ":111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:" + strings.Repeat("r", 21) + ":111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:us-east-1:11112222333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab89",
		"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab8999",
		"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab89g",
		"arn:aws:detective:us.east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899\n",
		"arn:aws:detective:us-east-1:١١١١٢٢٢٢٣٣٣٣:graph:027c7c4610ea4aacaf0b883093cab899",
		"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899:x",
		"arn:aws:guardduty:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, got := parseGraphARN(s)
		if want := graphPattern.MatchString(s); got != want {
			t.Errorf("parseGraphARN(%q) = %v, pattern says %v", s, got, want)
		}
		if parsed, err := Parse(s); got && (err != nil || parsed != a) {
			t.Errorf("parseGraphARN(%q) = %+v, Parse gives %+v, %v", s, a, parsed, err)
		}
	})
}

func TestParseGraph(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899", true},
		{"arn:aws-us-gov:detective:us-gov-west-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899", true},
		{"arn:aws:detective:us-east-1:111122223333:graph:027C7C4610EA4AACAF0B883093CAB899", false},
		{"arn:aws:detective:us-east-1:111122223333:graph:123412341234", false},
		{"arn:aws:detective:us-east-1:11112222333:graph:027c7c4610ea4aacaf0b883093cab899", false},
		{"arn:aws:guardduty:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899", false},
		{"arn:aws:detective:us-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899x", false},
		{"", false},
	}
	for _, tc := range tests {
		a, err := ParseGraph(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseGraph(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && a.String() != tc.in {
			t.Errorf("ParseGraph(%q).String() = %q", tc.in, a.String())
		}
	}
}

func TestGraph(t *testing.T) {
	g := Graph("us-gov-east-1", "111122223333", "027c7c4610ea4aacaf0b883093cab899")
	want := "arn:aws-us-gov:detective:us-gov-east-1:111122223333:graph:027c7c4610ea4aacaf0b883093cab899"
	if g.String() != want {
		t.Errorf("Graph() = %q, want %q", g, want)
	}
	if g.GraphID() != "027c7c4610ea4aacaf0b883093cab899" {
		t.Errorf("GraphID() = %q", g.GraphID())
	}
	if _, err := ParseGraph(g.String()); err != nil {
		t.Errorf("ParseGraph(Graph()) = %v", err)
	}
}

func FuzzParseMatchesSplitN(f *testing.F) {
	for _, s := range []string{"", "arn", "arn:", "arn:aws:s3:::bucket", "arn:aws:detective:us-east-1:111122223333:graph:ab:cd",
		"arn:aws:detective:us-east-1:111122223333", "arn::s:r:a:x", "arn:p::r:a:x", "arn:p:s:r:a:", "x:p:s:r:a:b", ":::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.SplitN(s, ":", 6)
		ok := len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
		a, err := Parse(s)
		if (err == nil) != ok {
			t.Fatalf("Parse(%q) error = %v, want ok = %v", s, err, ok)
		}
		if ok && (a != ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}) {
			t.Fatalf("Parse(%q) = %+v, want the parts of %q", s, a, parts)
		}
	})
}
