package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// writeGeo writes tiny city and ASN databases (GeoIP2 layout) covering
// every /8 the generated addresses come from, so that every lookup finds
// a record as it would in a full database.
func writeGeo(dir string) (city, asn string, err error) {
	cities, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "bench-City", RecordSize: 28, IncludeReservedNetworks: true})
	if err != nil {
		return "", "", err
	}
	asns, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "bench-ASN", RecordSize: 28, IncludeReservedNetworks: true})
	if err != nil {
		return "", "", err
	}
	for first := 3; first < 203; first++ {
		_, network, err := net.ParseCIDR(fmt.Sprintf("%d.0.0.0/8", first))
		if err != nil {
			return "", "", err
		}
		name := fmt.Sprintf("City %d", first)
		names := mmdbtype.Map{"en": mmdbtype.String(name)}
		if err := cities.Insert(network, mmdbtype.Map{
			"city":     mmdbtype.Map{"names": names},
			"country":  mmdbtype.Map{"iso_code": mmdbtype.String("FR"), "names": mmdbtype.Map{"en": mmdbtype.String("France")}},
			"location": mmdbtype.Map{"latitude": mmdbtype.Float64(float64(first%90) - 45), "longitude": mmdbtype.Float64(float64(first) - 100)},
		}); err != nil {
			return "", "", err
		}
		if err := asns.Insert(network, mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(uint32(64000 + first)),
			"autonomous_system_organization": mmdbtype.String(fmt.Sprintf("Network %d", first))}); err != nil {
			return "", "", err
		}
	}
	city, asn = filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	for path, tree := range map[string]*mmdbwriter.Tree{city: cities, asn: asns} {
		f, err := os.Create(path)
		if err != nil {
			return "", "", err
		}
		if _, err := tree.WriteTo(f); err != nil {
			f.Close()
			return "", "", err
		}
		if err := f.Close(); err != nil {
			return "", "", err
		}
	}
	return city, asn, nil
}
