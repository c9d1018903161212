package detailcodec

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTrip(t *testing.T) {
	in := map[string]any{
		"IpAddress": "198.51.100.7", "APISuccessCount": int64(1) << 60, "Small": 3, "Whole": 3.0, "Half": 1.5,
		"IsNewForEntireAccount": true, "Nested": map[string]any{"N": 2}, "List": []any{1, "x"},
	}
	s, err := Encode(in)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got, err := Decode(s)
	if err != nil {
		t.Fatalf("Decode(%s): %v", s, err)
	}
	want := map[string]any{
		"IpAddress": "198.51.100.7", "APISuccessCount": int64(1) << 60, "Small": int64(3), "Whole": int64(3), "Half": 1.5,
		"IsNewForEntireAccount": true, "Nested": map[string]any{"N": int64(2)}, "List": []any{int64(1), "x"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode(Encode()) mismatch (-want +got):\n%s", diff)
	}
	if s, err := Encode(nil); err != nil || s != "{}" {
		t.Errorf("Encode(nil) = %q, %v; want {}", s, err)
	}
	if d, err := Decode("{}"); err != nil || d == nil || len(d) != 0 {
		t.Errorf(`Decode("{}") = %v, %v; want an empty map`, d, err)
	}
	if _, err := Encode(map[string]any{"x": math.NaN()}); err == nil {
		t.Errorf("Encode(NaN) succeeded")
	}
}
