package columncodec

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetailRoundTrip(t *testing.T) {
	in := map[string]any{
		"IpAddress": "198.51.100.7", "APISuccessCount": int64(1) << 60, "Small": 3, "Whole": 3.0, "Half": 1.5,
		"IsNewForEntireAccount": true, "Nested": map[string]any{"N": 2}, "List": []any{1, "x"},
	}
	s, err := EncodeDetail(in)
	if err != nil {
		t.Fatalf("EncodeDetail: %v", err)
	}
	got, err := DecodeDetail(s)
	if err != nil {
		t.Fatalf("DecodeDetail(%s): %v", s, err)
	}
	want := map[string]any{
		"IpAddress": "198.51.100.7", "APISuccessCount": int64(1) << 60, "Small": int64(3), "Whole": int64(3), "Half": 1.5,
		"IsNewForEntireAccount": true, "Nested": map[string]any{"N": int64(2)}, "List": []any{int64(1), "x"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeDetail(EncodeDetail()) mismatch (-want +got):\n%s", diff)
	}
	if s, err := EncodeDetail(nil); err != nil || s != "{}" {
		t.Errorf("EncodeDetail(nil) = %q, %v; want {}", s, err)
	}
	if d, err := DecodeDetail("{}"); err != nil || d == nil || len(d) != 0 {
		t.Errorf(`DecodeDetail("{}") = %v, %v; want an empty map`, d, err)
	}
	if _, err := EncodeDetail(map[string]any{"x": math.NaN()}); err == nil {
		t.Errorf("EncodeDetail(NaN) succeeded")
	}
}
