package geo

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	at := func(lat, lon float64) Location { return Location{Latitude: lat, Longitude: lon} }
	tests := []struct {
		name   string
		a, b   Location
		wantKm float64
	}{
		{"same place", at(51.5074, -0.1278), at(51.5074, -0.1278), 0},
		{"London-Paris", at(51.5074, -0.1278), at(48.8566, 2.3522), 343.6},
		{"New York-Los Angeles", at(40.7128, -74.0060), at(34.0522, -118.2437), 3936},
		{"across the antimeridian", at(0, 179.5), at(0, -179.5), 111.2},
		{"pole to pole", at(90, 0), at(-90, 0), math.Pi * earthRadiusKm},
		{"antipodes", at(0, 0), at(0, 180), math.Pi * earthRadiusKm},
	}
	for _, tc := range tests {
		got := Distance(tc.a, tc.b)
		if math.Abs(got-tc.wantKm) > tc.wantKm*0.002+0.01 {
			t.Errorf("%s: Distance = %.1f km, want %.1f", tc.name, got, tc.wantKm)
		}
		if back := Distance(tc.b, tc.a); math.Abs(back-got) > 1e-9 {
			t.Errorf("%s: Distance not symmetric: %v vs %v", tc.name, got, back)
		}
	}
}
