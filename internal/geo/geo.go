package geo

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Location is where an IP address is, as precisely as the database says.
// Fields the database does not know are empty (zero coordinates mean
// "unknown" only together with an empty CountryCode).
type Location struct {
	City, Region, Country, CountryCode string
	Latitude, Longitude                float64
}

// ASO is the autonomous system that announces an address and the
// organization that runs it.
type ASO struct {
	Number       uint32
	Organization string
}

// DB answers location and autonomous-system questions from the databases
// given to Open. It is safe for concurrent use. A DB opened with no files,
// and a nil *DB, know nothing and say so.
type DB struct {
	cities []*cityFile
	asns   []asnSource
}

// asnSource is one ASN database: an .mmdb file or a CSV range table.
type asnSource interface {
	asn(ip netip.Addr) (ASO, bool)
	Close() error
}

// Open opens the city database(s) at cityPath and the ASN database(s) at
// asnPath; either may be "" (that kind of answer is then never given).
// Each may name several files separated by commas, because
// ip-location-db ships IPv4 and IPv6 as separate files; for a given
// address the files are asked in order and the first answer wins. City
// files must be .mmdb; an ASN file is read as .mmdb when its name ends so,
// else as `ip_range_start,ip_range_end,asn,org` CSV.
func Open(cityPath, asnPath string) (*DB, error) {
	d := &DB{}
	for _, p := range splitPaths(cityPath) {
		c, err := openCity(p)
		if err != nil {
			return nil, errors.Join(err, d.Close())
		}
		d.cities = append(d.cities, c)
	}
	for _, p := range splitPaths(asnPath) {
		var (
			s   asnSource
			err error
		)
		if strings.HasSuffix(strings.ToLower(p), ".mmdb") {
			s, err = openASNMMDB(p)
		} else {
			s, err = loadASNCSV(p)
		}
		if err != nil {
			return nil, errors.Join(err, d.Close())
		}
		d.asns = append(d.asns, s)
	}
	return d, nil
}

func splitPaths(list string) []string {
	var paths []string
	for p := range strings.SplitSeq(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	return paths
}

// Close releases the memory-mapped files. No lookup may run during or
// after Close.
func (d *DB) Close() error {
	if d == nil {
		return nil
	}
	var errs []error
	for _, c := range d.cities {
		errs = append(errs, c.Close())
	}
	for _, a := range d.asns {
		errs = append(errs, a.Close())
	}
	d.cities, d.asns = nil, nil
	return errors.Join(errs...)
}

// HasCity reports whether a city database was opened, so callers can tell
// "no location known" from "no way to know".
func (d *DB) HasCity() bool { return d != nil && len(d.cities) > 0 }

// HasASN reports whether an ASN database was opened.
func (d *DB) HasASN() bool { return d != nil && len(d.asns) > 0 }

// Locate returns where ip is. It reports false for addresses that are not
// public (see Public), for addresses no database knows, and when the
// lookup fails on a damaged file, which is not worth stopping an ingest.
func (d *DB) Locate(ip netip.Addr) (Location, bool) {
	if d == nil || len(d.cities) == 0 {
		return Location{}, false
	}
	ip = ip.Unmap()
	if !isPublic(ip) {
		return Location{}, false
	}
	for _, c := range d.cities {
		if loc, ok := c.locate(ip); ok {
			return loc, true
		}
	}
	return Location{}, false
}

// ASN returns the autonomous system that announces ip, with the same
// rules as Locate.
func (d *DB) ASN(ip netip.Addr) (ASO, bool) {
	if d == nil || len(d.asns) == 0 {
		return ASO{}, false
	}
	ip = ip.Unmap()
	if !isPublic(ip) {
		return ASO{}, false
	}
	for _, a := range d.asns {
		if aso, ok := a.asn(ip); ok {
			return aso, true
		}
	}
	return ASO{}, false
}

// Public parses a CloudTrail-style source address and reports whether it
// is a public IP address worth enriching. AWS service DNS names such as
// "ec2.amazonaws.com", "AWS Internal" and every non-public address report
// false.
func Public(source string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(source)
	if err != nil {
		return netip.Addr{}, false
	}
	ip = ip.Unmap()
	return ip, isPublic(ip)
}

func isPublic(ip netip.Addr) bool {
	return ip.IsValid() &&
		!ip.IsUnspecified() &&
		!ip.IsLoopback() &&
		!ip.IsPrivate() &&
		!ip.IsLinkLocalUnicast() &&
		!ip.IsMulticast() &&
		!ip.IsInterfaceLocalMulticast() &&
		!ip.IsLinkLocalMulticast() &&
		!isCGNAT(ip)
}

// isCGNAT reports whether ip is in 100.64.0.0/10, the shared address space
// of RFC 6598 (carrier-grade NAT): netip does not classify it, yet it is
// never routed publicly.
func isCGNAT(ip netip.Addr) bool {
	if !ip.Is4() {
		return false
	}
	b := ip.As4()
	return b[0] == 100 && b[1]&0xc0 == 64
}

func openError(path string, err error) error {
	return fmt.Errorf("geo: open %s: %w", path, err)
}
