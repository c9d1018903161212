package geo

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// asnCSV is ip-location-db's layout: a header is optional, organizations
// with commas are quoted, and the rows need not be sorted.
const asnCSV = `ip_range_start,ip_range_end,asn,org
1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd
1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
8.8.8.0,8.8.8.255,15169,Google LLC
10.0.0.0,10.255.255.255,64512,private
9.9.9.0,9.9.9.255,0,
2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC
2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,13335,"Cloudflare, Inc."
`

func TestASN(t *testing.T) {
	t.Parallel()
	v4 := mustWriteMMDB(t, "asn-ipv4", 4, map[string]mmdbtype.Map{
		"1.0.0.0/24": asnRec(13335, "Cloudflare, Inc."),
		"1.0.4.0/22": asnRec(38803, "Gtelecom Pty Ltd"),
		"8.8.8.0/24": asnRec(15169, "Google LLC"),
	})
	v6Records := map[string]mmdbtype.Map{
		"2001:4860::/32": asnRec(15169, "Google LLC"),
		"2606:4700::/32": asnRec(13335, "Cloudflare, Inc."),
	}
	for _, cidr := range nonPublic {
		v6Records[cidr] = asnRec(64512, "private")
	}
	v6 := mustWriteMMDB(t, "asn-ipv6", 6, v6Records)
	var csv4, csv6 strings.Builder
	for line := range strings.Lines(asnCSV) {
		if strings.Contains(strings.SplitN(line, ",", 2)[0], ":") {
			csv6.WriteString(line)
		} else {
			csv4.WriteString(line)
		}
	}
	dbs := map[string]*DB{
		"mmdb":      mustOpen(t, "", v4+","+v6),
		"csv":       mustOpen(t, "", mustWriteFile(t, "asn.csv", asnCSV)),
		"csv-split": mustOpen(t, "", mustWriteFile(t, "asn-ipv4.csv", csv4.String())+","+mustWriteFile(t, "asn-ipv6.csv", csv6.String())),
	}
	tests := []struct {
		ip     string
		want   ASO
		wantOK bool
	}{
		{"1.0.0.0", ASO{13335, "Cloudflare, Inc."}, true},   // first address of a range
		{"1.0.0.255", ASO{13335, "Cloudflare, Inc."}, true}, // last address
		{"1.0.1.0", ASO{}, false},                           // gap between ranges
		{"1.0.5.77", ASO{38803, "Gtelecom Pty Ltd"}, true},
		{"1.0.8.0", ASO{}, false},
		{"0.255.255.255", ASO{}, false}, // before the first range
		{"8.8.8.8", ASO{15169, "Google LLC"}, true},
		{"::ffff:8.8.8.8", ASO{15169, "Google LLC"}, true},
		{"200.1.1.1", ASO{}, false}, // after the last range
		{"2001:4860:4860::8888", ASO{15169, "Google LLC"}, true},
		{"2606:4700:ffff:ffff:ffff:ffff:ffff:ffff", ASO{13335, "Cloudflare, Inc."}, true},
		{"2606:4701::", ASO{}, false},
		{"10.0.0.1", ASO{}, false},
		{"fd12::1", ASO{}, false},
	}
	for name, db := range dbs {
		for _, tc := range tests {
			got, ok := db.ASN(netip.MustParseAddr(tc.ip))
			if ok != tc.wantOK || got != tc.want {
				t.Errorf("%s: ASN(%s) = %+v, %v; want %+v, %v", name, tc.ip, got, ok, tc.want, tc.wantOK)
			}
		}
	}
	// AS 0 marks unannounced space in ip-location-db: no answer.
	if got, ok := dbs["csv"].ASN(netip.MustParseAddr("9.9.9.9")); ok {
		t.Errorf("csv: ASN(9.9.9.9) = %+v, want none (AS 0)", got)
	}
}

func TestParseASNCSVShares(t *testing.T) {
	t.Parallel()
	tab, err := parseASNCSV(strings.NewReader(asnCSV))
	if err != nil {
		t.Fatal(err)
	}
	// Google and Cloudflare each appear twice but are stored once.
	if got, want := len(tab.as), 5; got != want {
		t.Errorf("distinct ASOs = %d, want %d", got, want)
	}
	if got, want := len(tab.v4.start)+len(tab.v6.start), 7; got != want {
		t.Errorf("ranges = %d, want %d", got, want)
	}
}

func FuzzParseASNCSV(f *testing.F) {
	f.Add(asnCSV)
	f.Add("1.0.0.0,1.0.0.255,13335\n")
	f.Add("\"unterminated,1,2\n")
	f.Fuzz(func(t *testing.T, in string) {
		tab, err := parseASNCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever was accepted answers lookups without panicking.
		for _, s := range []string{"1.0.0.1", "2001:4860::1", "255.255.255.255", "::"} {
			tab.asn(netip.MustParseAddr(s))
		}
		for i := range tab.v4.start {
			if tab.v4.end[i] < tab.v4.start[i] {
				t.Fatalf("range %d ends before it starts", i)
			}
		}
	})
}
