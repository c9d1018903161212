package geo

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// mustWriteMMDB builds a tiny .mmdb in the test's temp dir: ipVersion 4 or
// 6 (a version-6 file also answers IPv4, as GeoLite2 does), one record per
// network. Reserved networks are allowed in, so that tests can prove
// private addresses are refused by the reader, not merely absent.
func mustWriteMMDB(tb testing.TB, name string, ipVersion int, records map[string]mmdbtype.Map) string {
	tb.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "test-" + name, IPVersion: ipVersion, RecordSize: 28, IncludeReservedNetworks: true})
	if err != nil {
		tb.Fatalf("mmdbwriter.New: %v", err)
	}
	for cidr, rec := range records {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			tb.Fatalf("ParseCIDR(%q): %v", cidr, err)
		}
		if err := tree.Insert(network, rec); err != nil {
			tb.Fatalf("Insert(%s): %v", cidr, err)
		}
	}
	path := filepath.Join(tb.TempDir(), name+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		tb.Fatalf("WriteTo: %v", err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// geoip2City is a record in the GeoLite2 / GeoIP2 City layout.
func geoip2City(city, region, country, code string, lat, lon float64) mmdbtype.Map {
	names := func(en string) mmdbtype.Map {
		return mmdbtype.Map{"en": mmdbtype.String(en), "de": mmdbtype.String(en + " (de)")}
	}
	rec := mmdbtype.Map{
		"country":  mmdbtype.Map{"iso_code": mmdbtype.String(code), "names": names(country), "geoname_id": mmdbtype.Uint32(1)},
		"location": mmdbtype.Map{"latitude": mmdbtype.Float64(lat), "longitude": mmdbtype.Float64(lon), "accuracy_radius": mmdbtype.Uint16(20)},
	}
	if city != "" {
		rec["city"] = mmdbtype.Map{"names": names(city)}
	}
	if region != "" {
		rec["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{"iso_code": mmdbtype.String("X"), "names": names(region)}}
	}
	return rec
}

// flatCity is a record in ip-location-db's dbip-city layout (float32
// coordinates, as that file stores them).
func flatCity(city, state, code string, lat, lon float32) mmdbtype.Map {
	return mmdbtype.Map{
		"city": mmdbtype.String(city), "state1": mmdbtype.String(state), "state2": mmdbtype.String(""),
		"country_code": mmdbtype.String(code), "postcode": mmdbtype.String(""), "timezone": mmdbtype.String(""),
		"latitude": mmdbtype.Float32(lat), "longitude": mmdbtype.Float32(lon),
	}
}

func asnRec(number uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(number), "autonomous_system_organization": mmdbtype.String(org)}
}

func mustWriteFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func mustOpen(tb testing.TB, cityPath, asnPath string) *DB {
	tb.Helper()
	db, err := Open(cityPath, asnPath)
	if err != nil {
		tb.Fatalf("Open(%q, %q): %v", cityPath, asnPath, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}
