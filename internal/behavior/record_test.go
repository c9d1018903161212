package behavior_test

import (
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
)

func TestSeverityLabel(t *testing.T) {
	tests := []struct {
		normalized float64
		want       string
	}{
		{0, "INFORMATIONAL"}, {1, "LOW"}, {39, "LOW"}, {39.9, "LOW"}, {40, "MEDIUM"}, {69, "MEDIUM"},
		{70, "HIGH"}, {89, "HIGH"}, {90, "CRITICAL"}, {100, "CRITICAL"},
	}
	for _, tc := range tests {
		if got := behavior.SeverityLabel(tc.normalized); got != tc.want {
			t.Errorf("SeverityLabel(%v) = %s, want %s", tc.normalized, got, tc.want)
		}
	}
}
