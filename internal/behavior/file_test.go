package behavior_test

import (
	"testing"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
)

func TestFileCovers(t *testing.T) {
	g1 := arn.Graph("us-east-1", "111111111111", "01")
	g2 := arn.Graph("us-east-1", "222222222222", "02")
	a := behavior.RouteKey{Account: "111111111111", Region: "us-east-1", Package: "DETECTIVE_CORE"}
	b := behavior.RouteKey{Account: "333333333333", Region: "us-east-1", Package: "DETECTIVE_CORE"}
	f := behavior.File{Routes: []behavior.FileRoute{{RouteKey: a, Graphs: []arn.ARN{g1}}, {RouteKey: b}}}
	tests := []struct {
		name string
		now  map[behavior.RouteKey][]arn.ARN
		want bool
	}{
		{"same graphs", map[behavior.RouteKey][]arn.ARN{a: {g1}}, true},
		{"a graph left", map[behavior.RouteKey][]arn.ARN{}, false},
		{"a graph joined for a route", map[behavior.RouteKey][]arn.ARN{a: {g1, g2}}, false},
		{"a route found a graph", map[behavior.RouteKey][]arn.ARN{a: {g1}, b: {g1}}, false},
	}
	for _, tc := range tests {
		if got := f.Covers(tc.now); got != tc.want {
			t.Errorf("Covers(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
