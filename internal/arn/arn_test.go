package arn

import "testing"

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
