package geo

import (
	"net/netip"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

var (
	london    = Location{City: "London", Region: "England", Country: "United Kingdom", CountryCode: "GB", Latitude: 51.5142, Longitude: -0.0931}
	sydney    = Location{Country: "Australia", CountryCode: "AU", Latitude: -33.494, Longitude: 143.2104}
	frankfurt = Location{City: "Frankfurt am Main", Region: "Hesse", Country: "Germany", CountryCode: "DE", Latitude: 50.1109, Longitude: 8.68213}
)

// approx compares coordinates at float32 precision, which is what the
// flat layout stores.
var approx = cmp.Comparer(func(a, b float64) bool { return float32(a) == float32(b) })

// nonPublic is every range Locate and ASN must refuse.
var nonPublic = []string{
	"0.0.0.0/32", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
	"169.254.0.0/16", "100.64.0.0/10", "224.0.0.0/4",
	"::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
}

func TestLocate(t *testing.T) {
	t.Parallel()
	geoip2Records := map[string]mmdbtype.Map{
		"81.2.69.0/24":      geoip2City("London", "England", "United Kingdom", "GB", 51.5142, -0.0931),
		"1.0.0.0/24":        geoip2City("", "", "Australia", "AU", -33.494, 143.2104),
		"2a00:1450::/32":    geoip2City("Frankfurt am Main", "Hesse", "Germany", "DE", 50.1109, 8.68213),
		"100.63.255.0/24":   geoip2City("", "", "Australia", "AU", -33.494, 143.2104),
		"100.128.0.0/24":    geoip2City("", "", "Australia", "AU", -33.494, 143.2104),
		"2001:4860::/32":    mmdbtype.Map{"continent": mmdbtype.Map{"code": mmdbtype.String("NA")}},
		"203.0.113.0/24":    mmdbtype.Map{},
		"198.51.100.128/25": geoip2City("London", "England", "United Kingdom", "GB", 51.5142, -0.0931),
	}
	// Every non-public range has a record, so a refusal below comes from
	// the reader's rule rather than from a gap in the file.
	for _, cidr := range nonPublic {
		geoip2Records[cidr] = geoip2City("Nowhere", "", "Australia", "AU", 1, 1)
	}
	geoip2 := mustWriteMMDB(t, "geolite2-city", 6, geoip2Records)
	flat4 := mustWriteMMDB(t, "dbip-city-ipv4", 4, map[string]mmdbtype.Map{
		"81.2.69.0/24": flatCity("London", "England", "GB", 51.5142, -0.0931),
		"1.0.0.0/24":   flatCity("", "", "AU", -33.494, 143.2104),
	})
	flat6 := mustWriteMMDB(t, "dbip-city-ipv6", 6, map[string]mmdbtype.Map{
		"2a00:1450::/32": flatCity("Frankfurt am Main", "Hesse", "DE", 50.1109, 8.68213),
	})
	dbs := map[string]*DB{
		"geoip2": mustOpen(t, geoip2, ""),
		"flat":   mustOpen(t, flat4+" , "+flat6, ""),
	}
	tests := []struct {
		ip     string
		want   Location
		wantOK bool
	}{
		{"81.2.69.160", london, true},
		{"::ffff:81.2.69.160", london, true}, // IPv4-mapped is IPv4
		{"1.0.0.1", sydney, true},            // country-only record
		{"2a00:1450:4001:80b::200e", frankfurt, true},
		{"8.8.8.8", Location{}, false},              // not in the file
		{"2001:4860:4860::8888", Location{}, false}, // record without place fields
		{"203.0.113.9", Location{}, false},          // empty record
		{"10.1.2.3", Location{}, false},             // private
		{"172.16.0.1", Location{}, false},           // private
		{"192.168.1.1", Location{}, false},          // private
		{"127.0.0.1", Location{}, false},            // loopback
		{"::1", Location{}, false},                  // loopback
		{"169.254.169.254", Location{}, false},      // link-local (instance metadata)
		{"fe80::1", Location{}, false},              // link-local
		{"100.64.0.1", Location{}, false},           // CGNAT
		{"100.127.255.255", Location{}, false},      // CGNAT, last address
		{"224.0.0.251", Location{}, false},          // multicast
		{"ff02::1", Location{}, false},              // multicast
		{"0.0.0.0", Location{}, false},              // unspecified
		{"::", Location{}, false},                   // unspecified
		{"fd00::1", Location{}, false},              // unique local (private)
	}
	for name, db := range dbs {
		for _, tc := range tests {
			t.Run(name+"/"+tc.ip, func(t *testing.T) {
				got, ok := db.Locate(netip.MustParseAddr(tc.ip))
				if ok != tc.wantOK {
					t.Fatalf("Locate(%s) ok = %v, want %v (got %+v)", tc.ip, ok, tc.wantOK, got)
				}
				if diff := cmp.Diff(tc.want, got, approx); diff != "" {
					t.Errorf("Locate(%s) mismatch (-want +got):\n%s", tc.ip, diff)
				}
			})
		}
	}
	// The CGNAT boundaries: the /24s just outside 100.64.0.0/10 are public.
	for _, ip := range []string{"100.63.255.1", "100.128.0.1"} {
		if _, ok := dbs["geoip2"].Locate(netip.MustParseAddr(ip)); !ok {
			t.Errorf("Locate(%s) = false, want a location (outside CGNAT)", ip)
		}
	}
	if _, ok := dbs["geoip2"].Locate(netip.MustParseAddr("198.51.100.200")); !ok {
		t.Errorf("Locate(198.51.100.200) = false, want a location")
	}
}

func TestNoDatabase(t *testing.T) {
	t.Parallel()
	ip := netip.MustParseAddr("81.2.69.160")
	for name, db := range map[string]*DB{"nil": nil, "empty": mustOpen(t, "", " , ")} {
		if _, ok := db.Locate(ip); ok {
			t.Errorf("%s: Locate = true, want false", name)
		}
		if _, ok := db.ASN(ip); ok {
			t.Errorf("%s: ASN = true, want false", name)
		}
		if db.HasCity() || db.HasASN() {
			t.Errorf("%s: HasCity/HasASN = true, want false", name)
		}
	}
}

func TestPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		source string
		want   string // "" when not public
	}{
		{"81.2.69.160", "81.2.69.160"},
		{"::ffff:81.2.69.160", "81.2.69.160"},
		{"2a00:1450:4001:80b::200e", "2a00:1450:4001:80b::200e"},
		{"ec2.amazonaws.com", ""},
		{"AWS Internal", ""},
		{"", ""},
		{"10.0.0.1", ""},
		{"100.100.100.100", ""},
		{"fe80::1%eth0", ""},
		{"81.2.69.160:443", ""},
	}
	for _, tc := range tests {
		ip, ok := Public(tc.source)
		if got := map[bool]string{true: ip.String(), false: ""}[ok]; got != tc.want {
			t.Errorf("Public(%q) = %q, want %q", tc.source, got, tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	city := mustWriteMMDB(t, "city", 6, map[string]mmdbtype.Map{"81.2.69.0/24": geoip2City("London", "", "United Kingdom", "GB", 1, 1)})
	tests := []struct {
		name, city, asn string
	}{
		{"missing city", "/nonexistent/city.mmdb", ""},
		{"second city missing", city + ",/nonexistent/v6.mmdb", ""},
		{"city not mmdb", mustWriteFile(t, "city.mmdb", "not a database"), ""},
		{"missing asn csv", city, "/nonexistent/asn.csv"},
		{"missing asn mmdb", "", "/nonexistent/asn.mmdb"},
		{"bad asn row", "", mustWriteFile(t, "bad.csv", "1.0.0.0,1.0.0.255,13335,x\nnot-an-ip,1.0.1.255,1,y\n")},
		{"bad asn number", "", mustWriteFile(t, "num.csv", "1.0.0.0,1.0.0.255,AS13335,x\n")},
		{"reversed range", "", mustWriteFile(t, "rev.csv", "1.0.0.255,1.0.0.0,13335,x\n")},
		{"mixed families", "", mustWriteFile(t, "mix.csv", "1.0.0.0,2001::,13335,x\n")},
		{"too few fields", "", mustWriteFile(t, "few.csv", "1.0.0.0,1.0.0.255\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.city, tc.asn)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q, %q) = nil error, want one", tc.city, tc.asn)
			}
		})
	}
}

// TestConcurrentLookups runs lookups from several goroutines, which share
// each file's record cache (run with -race).
func TestConcurrentLookups(t *testing.T) {
	t.Parallel()
	records := map[string]mmdbtype.Map{}
	for i := range 64 {
		records[netip.PrefixFrom(netip.AddrFrom4([4]byte{81, 2, byte(i), 0}), 24).String()] =
			geoip2City("City", "", "United Kingdom", "GB", float64(i), 0)
	}
	db := mustOpen(t, mustWriteMMDB(t, "city", 6, records), "")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				n := (i*7 + g) % 64
				loc, ok := db.Locate(netip.AddrFrom4([4]byte{81, 2, byte(n), 1}))
				if !ok || loc.Latitude != float64(n) {
					t.Errorf("Locate(81.2.%d.1) = %+v, %v; want latitude %d", n, loc, ok, n)
					return
				}
			}
		})
	}
	wg.Wait()
}
