package geo

import (
	"net/netip"
	"sync/atomic"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2/mmdbdata"
)

// cityFile is one city .mmdb. Two layouts exist in the wild, and one
// record type reads both, so no layout has to be detected:
//
//   - GeoLite2 / GeoIP2 City, and DB-IP's own .mmdb files: nested maps,
//     city.names.en, subdivisions[0].names.en, country.iso_code,
//     country.names.en, location.latitude / location.longitude;
//   - ip-location-db's dbip-city: flat, city, state1, country_code,
//     latitude, longitude (no country name: it is derived from the code).
type cityFile struct {
	r *maxminddb.Reader
	// ipv4Only is set for files built without IPv6 (IPVersion 4), which
	// refuse IPv6 lookups with an error rather than "not found".
	ipv4Only bool
	// countries maps ISO 3166-1 alpha-2 codes to English names, for the
	// flat layout, which stores only the code. Built once at open: asking
	// x/text per lookup cost a third of the lookup.
	countries map[string]string
	// recent caches decoded records by their offset in the file: networks
	// share records (every /24 of a city points at one), so a handful of
	// records serve most of an ingest, and decoding is most of a lookup's
	// cost.
	recent recordCache
}

func openCity(path string) (*cityFile, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return &cityFile{r: r, ipv4Only: r.Metadata.IPVersion == 4, countries: countryNames()}, nil
}

//go:generate go run ./gencountries

// countryNames maps the codes of countries to their English names.
func countryNames() map[string]string {
	names := make(map[string]string, len(countries))
	for _, c := range countries {
		names[c.code] = c.name
	}
	return names
}

func (c *cityFile) Close() error { return c.r.Close() }

func (c *cityFile) locate(ip netip.Addr) (Location, bool) {
	if c.ipv4Only && !ip.Is4() {
		return Location{}, false
	}
	res := c.r.Lookup(ip)
	if !res.Found() {
		return Location{}, false
	}
	if e := c.recent.get(res.Offset()); e != nil {
		return e.loc, e.ok
	}
	loc, ok := c.decode(res)
	c.recent.put(&cacheEntry{offset: res.Offset(), loc: loc, ok: ok})
	return loc, ok
}

func (c *cityFile) decode(res maxminddb.Result) (Location, bool) {
	var rec cityRecord
	if err := res.Decode(&rec); err != nil {
		return Location{}, false
	}
	loc := Location{
		City:        string(rec.City),
		Region:      string(rec.State1),
		Country:     string(rec.Country.Names),
		CountryCode: rec.Country.ISOCode,
		Latitude:    rec.Location.Latitude,
		Longitude:   rec.Location.Longitude,
	}
	if len(rec.Subdivisions) > 0 {
		loc.Region = string(rec.Subdivisions[0].Names)
	}
	if rec.CountryCode != "" {
		loc.CountryCode = rec.CountryCode
		loc.Latitude, loc.Longitude = rec.Latitude, rec.Longitude
	}
	if loc.Country == "" {
		loc.Country = c.countries[loc.CountryCode]
	}
	if loc == (Location{}) {
		return Location{}, false
	}
	return loc, true
}

// recordCache is a direct-mapped cache of decoded records: a fixed table
// of atomic pointers, so concurrent lookups never wait on a lock, memory
// is bounded, and a collision simply replaces the older entry.
type recordCache struct {
	slots [1024]atomic.Pointer[cacheEntry]
}

type cacheEntry struct {
	offset uintptr
	loc    Location
	ok     bool
}

func (rc *recordCache) slot(offset uintptr) *atomic.Pointer[cacheEntry] {
	// Fibonacci hashing spreads offsets, which are multiples of record
	// sizes, across the table.
	return &rc.slots[(uint64(offset)*0x9e3779b97f4a7c15)>>54]
}

func (rc *recordCache) get(offset uintptr) *cacheEntry {
	if e := rc.slot(offset).Load(); e != nil && e.offset == offset {
		return e
	}
	return nil
}

func (rc *recordCache) put(e *cacheEntry) { rc.slot(e.offset).Store(e) }

// cityRecord holds the fields of both layouts; the decoder skips keys a
// record lacks.
type cityRecord struct {
	// GeoIP2 layout ("city" is a map there and a string in the flat
	// layout; englishName reads both).
	City         englishName `maxminddb:"city"`
	Subdivisions []struct {
		Names englishName `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	Country struct {
		ISOCode string      `maxminddb:"iso_code"`
		Names   englishName `maxminddb:"names"`
	} `maxminddb:"country"`
	Location struct {
		Latitude  float64 `maxminddb:"latitude"`
		Longitude float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`

	// Flat (ip-location-db) layout.
	State1      englishName `maxminddb:"state1"`
	CountryCode string      `maxminddb:"country_code"`
	Latitude    float64     `maxminddb:"latitude"`
	Longitude   float64     `maxminddb:"longitude"`
}

// englishName is a place name stored as a plain string (flat layout), as
// a GeoIP2 names map ({"en": …, "de": …}), or as an object holding one
// ({"names": {…}}). Only English is kept: decoding every language would
// allocate a map per lookup.
type englishName string

// UnmarshalMaxMindDB implements mmdbdata.Unmarshaler.
func (n *englishName) UnmarshalMaxMindDB(d *mmdbdata.Decoder) error {
	kind, err := d.PeekKind()
	if err != nil {
		return err
	}
	switch kind {
	case mmdbdata.KindString:
		s, err := d.ReadString()
		*n = englishName(s)
		return err
	case mmdbdata.KindMap:
		entries, _, err := d.ReadMap()
		if err != nil {
			return err
		}
		for key, err := range entries {
			if err != nil {
				return err
			}
			switch string(key) {
			case "en":
				s, err := d.ReadString()
				if err != nil {
					return err
				}
				*n = englishName(s)
			case "names": // GeoIP2's city: {"names": {"en": …}}
				if err := n.UnmarshalMaxMindDB(d); err != nil {
					return err
				}
			}
		}
		return nil
	default:
		return d.SkipValue()
	}
}
