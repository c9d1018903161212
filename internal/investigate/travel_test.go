package investigate

import (
	"math"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// kmNorth is a location km north of (0, 0) along the prime meridian.
func kmNorth(name string, km float64) Location {
	return Location{City: name, CountryCode: "XX", Latitude: km / (earthRadiusKm * math.Pi / 180)}
}

// travelInput is one use from 192.0.2.1 at the origin, then one from
// 198.51.100.1 at to, elapsed later.
func travelInput(to Location, elapsed time.Duration) *input {
	origin := kmNorth("Origin", 0)
	t0 := mustTime("2026-03-01T10:00:00Z")
	return &input{scoped: []Call{
		{Principal: alice, First: t0, Last: t0, SourceIP: "192.0.2.1", Location: &origin, Success: 1},
		{Principal: alice, First: t0.Add(elapsed), Last: t0.Add(elapsed), SourceIP: "198.51.100.1", Location: &to, Success: 1},
	}}
}

func TestDistanceKm(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Location
		want float64 // km, to within 0.5 %
	}{
		{"Seattle to Moscow", seattle.loc, moscow.loc, 8388},
		{"Moscow to Frankfurt", moscow.loc, frankfurt.loc, 2024},
		{"same place", seattle.loc, seattle.loc, 0},
		{"antipodes", Location{Latitude: 0, Longitude: 0}, Location{Latitude: 0, Longitude: 180}, math.Pi * earthRadiusKm},
		{"500 km north", kmNorth("a", 0), kmNorth("b", 500), 500},
	} {
		if got := distanceKm(tc.a, tc.b); math.Abs(got-tc.want) > tc.want*0.005+1e-9 {
			t.Errorf("%s: %.3f km, want %.0f", tc.name, got, tc.want)
		}
	}
}

// TestTravelThresholds: at least TravelMinDistanceKm apart, and strictly
// faster than TravelMinSpeedKmh.
func TestTravelThresholds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		km      float64
		elapsed time.Duration
		want    bool
		hours   int32
	}{
		{"499 km in a minute", 499, time.Minute, false, 0},
		{"500 km in a minute", 500, time.Minute, true, 0},
		{"501 km in a minute", 501, time.Minute, true, 0},
		{"500 km at once", 500, 0, true, 0},
		{"900 km in exactly an hour (900 km/h)", 900, time.Hour, false, 0},
		{"900 km in a second less than an hour", 900, time.Hour - time.Second, true, 0},
		{"1,800 km in 1 h 59 m (whole hours: 1)", 1800, time.Hour + 59*time.Minute, true, 1},
		{"9,000 km in 9 h 59 m", 9000, 10*time.Hour - time.Minute, true, 9},
		{"8,999 km in 10 h", 8999, 10 * time.Hour, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Round the distance up to the float the formula gives, so the
			// thresholds are tested, not the rounding of the latitude.
			to := kmNorth("Far", tc.km)
			for distanceKm(kmNorth("Origin", 0), to) < tc.km {
				to.Latitude = math.Nextafter(to.Latitude, 90)
			}
			got := detectTravel(travelInput(to, tc.elapsed), DefaultSettings())
			if (len(got) == 1) != tc.want || len(got) > 1 {
				t.Fatalf("%d indicators, want travel %v: %+v", len(got), tc.want, got)
			}
			if tc.want {
				d := got[0].indicator.Detail
				if d["HourlyTimeDelta"] != tc.hours || d["StartingIpAddress"] != "192.0.2.1" || d["EndingIpAddress"] != "198.51.100.1" ||
					d["StartingLocation"] != "Origin" || d["EndingLocation"] != "Far" {
					t.Errorf("detail = %#v, want HourlyTimeDelta int32(%d) from Origin 192.0.2.1 to Far 198.51.100.1", d, tc.hours)
				}
			}
		})
	}
}

// TestTravelUses: only public geolocated IPs count, the same IP is no
// travel, each ordered pair is reported once, and a return trip is a
// second indicator.
func TestTravelUses(t *testing.T) {
	home, far := seattle.loc, moscow.loc
	t0 := mustTime("2026-03-01T10:00:00Z")
	use := func(ip string, loc *Location, min int) Call {
		at := t0.Add(time.Duration(min) * time.Minute)
		return Call{Principal: alice, First: at, Last: at, SourceIP: ip, Location: loc, Success: 1}
	}
	for _, tc := range []struct {
		name  string
		calls []Call
		want  [][2]string
	}{
		{"private address", []Call{use("10.0.0.1", &home, 0), use("203.0.113.1", &far, 10)}, nil},
		{"AWS service", []Call{use("ec2.amazonaws.com", &home, 0), use("203.0.113.1", &far, 10)}, nil},
		{"not geolocated", []Call{use("198.51.100.1", nil, 0), use("203.0.113.1", &far, 10)}, nil},
		{"same IP", []Call{use("203.0.113.1", &home, 0), use("203.0.113.1", &far, 10)}, nil},
		{"there and back", []Call{use("198.51.100.1", &home, 0), use("203.0.113.1", &far, 10), use("198.51.100.1", &home, 20)},
			[][2]string{{"198.51.100.1", "203.0.113.1"}, {"203.0.113.1", "198.51.100.1"}}},
		{"back and forth", []Call{use("198.51.100.1", &home, 0), use("203.0.113.1", &far, 10), use("198.51.100.1", &home, 20), use("203.0.113.1", &far, 30)},
			[][2]string{{"198.51.100.1", "203.0.113.1"}, {"203.0.113.1", "198.51.100.1"}}},
		{"IPv6", []Call{use("2001:db8::1", &home, 0), use("2606:4700::1", &far, 10)}, [][2]string{{"2001:db8::1", "2606:4700::1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := detectTravel(&input{scoped: tc.calls}, DefaultSettings())
			if len(got) != len(tc.want) {
				t.Fatalf("%d indicators, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				d := got[i].indicator.Detail
				if got[i].indicator.Type != detective.IndicatorImpossibleTravel || d["StartingIpAddress"] != w[0] || d["EndingIpAddress"] != w[1] {
					t.Errorf("indicator %d = %v, want %s → %s", i, got[i].indicator, w[0], w[1])
				}
			}
		})
	}
}

// TestTravelWithinAggregates: an aggregate's first and last calls are both
// uses, so a trip away and back inside one hour is seen.
func TestTravelWithinAggregates(t *testing.T) {
	home, far := seattle.loc, moscow.loc
	t0 := mustTime("2026-03-01T10:00:00Z")
	calls := []Call{
		{Principal: alice, First: t0, Last: t0.Add(50 * time.Minute), SourceIP: "198.51.100.1", Location: &home, Success: 9},
		{Principal: alice, First: t0.Add(20 * time.Minute), Last: t0.Add(20 * time.Minute), SourceIP: "203.0.113.1", Location: &far, Success: 1},
	}
	if got := detectTravel(&input{scoped: calls}, DefaultSettings()); len(got) != 2 {
		t.Errorf("%d indicators, want the trip there and back", len(got))
	}
}

// TestTravelDistanceBoundary: a distance equal to TravelMinDistanceKm is
// far enough; the next float below it is not.
func TestTravelDistanceBoundary(t *testing.T) {
	to := kmNorth("Far", 500)
	km := distanceKm(kmNorth("Origin", 0), to)
	for _, tc := range []struct {
		min  float64
		want int
	}{{km, 1}, {math.Nextafter(km, math.Inf(1)), 0}} {
		s := DefaultSettings()
		s.TravelMinDistanceKm = tc.min
		if got := detectTravel(travelInput(to, time.Minute), s); len(got) != tc.want {
			t.Errorf("%.17g km with a minimum of %.17g: %d indicators, want %d", km, tc.min, len(got), tc.want)
		}
	}
}
