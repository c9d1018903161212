package investigate

import (
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// use is one moment the entity is known to have been at an IP: the first
// or last call of the aggregate in.scoped[call]. An aggregate keeps only
// those two times, so the uses between them are unknown; since a real
// call happened at each of them, travel found between uses is travel that
// happened.
type use struct {
	at   time.Time
	call int
}

// detectTravel reports impossible travel: two consecutive uses from
// geolocated public IPs at least TravelMinDistanceKm apart, at an implied
// speed above TravelMinSpeedKmh. Each ordered pair of IPs is reported once,
// at its first occurrence.
func detectTravel(in *input, s Settings) []result {
	var uses []use
	for i, c := range in.scoped {
		if c.Location == nil || !isPublic(c.SourceIP) {
			continue
		}
		uses = append(uses, use{c.First, i})
		if c.Last.After(c.First) {
			uses = append(uses, use{c.Last, i})
		}
	}
	// in.scoped is in compareCalls order, so the index breaks ties
	// deterministically.
	slices.SortFunc(uses, func(a, b use) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(in.scoped[a.call].SourceIP, in.scoped[b.call].SourceIP), cmp.Compare(a.call, b.call))
	})

	type pair struct{ from, to string }
	seen := map[pair]bool{}
	var out []result
	for i := 1; i < len(uses); i++ {
		prevAt, curAt := uses[i-1].at, uses[i].at
		prev, cur := in.scoped[uses[i-1].call], in.scoped[uses[i].call]
		p := pair{prev.SourceIP, cur.SourceIP}
		if p.from == p.to || seen[p] {
			continue
		}
		km := distanceKm(*prev.Location, *cur.Location)
		elapsed := curAt.Sub(prevAt)
		speed := math.Inf(1)
		if elapsed > 0 {
			speed = km / elapsed.Hours()
		}
		if km < s.TravelMinDistanceKm || speed <= s.TravelMinSpeedKmh {
			continue
		}
		seen[p] = true
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorImpossibleTravel, Detail: map[string]any{
				"StartingIpAddress": prev.SourceIP,
				"EndingIpAddress":   cur.SourceIP,
				"StartingLocation":  prev.Location.String(),
				"EndingLocation":    cur.Location.String(),
				"HourlyTimeDelta":   int32(elapsed / time.Hour),
			}},
			why: Why{
				Rule: fmt.Sprintf("used from %s (%s) at %s, then from %s (%s) at %s: %.0f km in %s (%.0f km/h)",
					prev.SourceIP, prev.Location, prevAt.Format(time.RFC3339), cur.SourceIP, cur.Location, curAt.Format(time.RFC3339), km, elapsed, speed),
				Calls: []Call{prev, cur},
			},
		})
	}
	return out
}

// isPublic reports whether s is an IP address that can be geolocated: not
// a DNS name (calls made by AWS services), private, loopback or link-local.
func isPublic(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.IsGlobalUnicast() && !a.IsPrivate()
}

// earthRadiusKm is the mean radius of the Earth (IUGG), which the
// haversine formula takes the Earth to be a sphere of.
const earthRadiusKm = 6371.0088

// distanceKm is the great-circle distance between two locations.
func distanceKm(a, b Location) float64 {
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	dLat, dLon := rad(b.Latitude-a.Latitude), rad(b.Longitude-a.Longitude)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(rad(a.Latitude))*math.Cos(rad(b.Latitude))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
