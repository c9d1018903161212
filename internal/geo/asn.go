package geo

import (
	"net/netip"

	"github.com/oschwald/maxminddb-golang/v2"
)

// asnFile is an ASN .mmdb in the GeoLite2-ASN layout, which DB-IP and
// ip-location-db also use.
type asnFile struct {
	r        *maxminddb.Reader
	ipv4Only bool
}

type asnRecord struct {
	Number       uint32 `maxminddb:"autonomous_system_number"`
	Organization string `maxminddb:"autonomous_system_organization"`
}

func openASNMMDB(path string) (*asnFile, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return &asnFile{r: r, ipv4Only: r.Metadata.IPVersion == 4}, nil
}

func (a *asnFile) Close() error { return a.r.Close() }

func (a *asnFile) asn(ip netip.Addr) (ASO, bool) {
	if a.ipv4Only && !ip.Is4() {
		return ASO{}, false
	}
	res := a.r.Lookup(ip)
	if !res.Found() {
		return ASO{}, false
	}
	var rec asnRecord
	if err := res.Decode(&rec); err != nil || rec.Number == 0 {
		return ASO{}, false
	}
	return ASO(rec), true
}
