package geo

import "math"

// earthRadiusKm is the mean Earth radius (IUGG), the usual choice for
// haversine distances; the sphere is off from the ellipsoid by under 0.5%,
// far below what IP geolocation can tell apart.
const earthRadiusKm = 6371.0088

// Distance returns the great-circle distance between a and b in
// kilometres (haversine formula).
func Distance(a, b Location) float64 {
	lat1, lat2 := radians(a.Latitude), radians(b.Latitude)
	dLat := lat2 - lat1
	dLon := radians(b.Longitude - a.Longitude)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}

func radians(deg float64) float64 { return deg * math.Pi / 180 }
