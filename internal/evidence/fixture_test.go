package evidence_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// place is where a test address is, as the fixture databases say.
type place struct {
	ip                         string
	city, region, country, iso string
	lat, lon                   float64
	asn                        uint32
	org                        string
}

// The addresses of the scenarios: documentation ranges, which the fixture
// databases locate as if they were public.
var (
	seattle  = place{"198.51.100.10", "Seattle", "Washington", "United States", "US", 47.6062, -122.3321, 64500, "Example Cloud US"}
	berlin   = place{"203.0.113.50", "Berlin", "Land Berlin", "Germany", "DE", 52.52, 13.405, 64510, "Example Telecom DE"}
	saoPaulo = place{"192.0.2.66", "Sao Paulo", "Sao Paulo", "Brazil", "BR", -23.5505, -46.6333, 64520, "Bulletproof Hosting"}
	places   = []place{seattle, berlin, saoPaulo}
)

// mustWriteGeo writes a GeoIP2-City and a GeoLite2-ASN .mmdb locating
// places, with github.com/maxmind/mmdbwriter, and returns their paths.
func mustWriteGeo(tb testing.TB) (city, asn string) {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name string, rec func(p place) mmdbtype.Map) string {
		tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: name, IPVersion: 6, RecordSize: 28, IncludeReservedNetworks: true})
		if err != nil {
			tb.Fatalf("mmdbwriter.New: %v", err)
		}
		for _, p := range places {
			_, network, err := net.ParseCIDR(p.ip + "/32")
			if err != nil {
				tb.Fatal(err)
			}
			if err := tree.Insert(network, rec(p)); err != nil {
				tb.Fatalf("Insert(%s): %v", p.ip, err)
			}
		}
		path := filepath.Join(dir, name+".mmdb")
		f, err := os.Create(path)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		if _, err := tree.WriteTo(f); err != nil {
			tb.Fatalf("write %s: %v", path, err)
		}
		return path
	}
	names := func(s string) mmdbtype.Map { return mmdbtype.Map{"en": mmdbtype.String(s)} }
	city = write("GeoIP2-City", func(p place) mmdbtype.Map {
		return mmdbtype.Map{
			"city":         mmdbtype.Map{"names": names(p.city)},
			"subdivisions": mmdbtype.Slice{mmdbtype.Map{"names": names(p.region)}},
			"country":      mmdbtype.Map{"iso_code": mmdbtype.String(p.iso), "names": names(p.country)},
			"location":     mmdbtype.Map{"latitude": mmdbtype.Float64(p.lat), "longitude": mmdbtype.Float64(p.lon)},
		}
	})
	asn = write("GeoLite2-ASN", func(p place) mmdbtype.Map {
		return mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(p.asn),
			"autonomous_system_organization": mmdbtype.String(p.org)}
	})
	return city, asn
}

// trail builds a CloudTrail log file of IAM users' calls in one account.
type trail struct {
	account string
	records []map[string]any
}

// call adds one call by user at t; errorCode "" is a success.
func (tr *trail) call(user string, t time.Time, source, name string, from place, agent, errorCode string) {
	r := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{"type": "IAMUser", "principalId": "AIDA" + strings.ToUpper(user),
			"arn": "arn:aws:iam::" + tr.account + ":user/" + user, "accountId": tr.account,
			"accessKeyId": "AKIA" + strings.ToUpper(user), "userName": user},
		"eventTime": t.UTC().Format(time.RFC3339), "eventSource": source, "eventName": name,
		"awsRegion": "us-east-1", "sourceIPAddress": from.ip, "userAgent": agent,
		"requestParameters": nil, "responseElements": nil,
		"requestID": fmt.Sprintf("req-%d", len(tr.records)), "eventID": fmt.Sprintf("%s-%d", tr.account, len(tr.records)),
		"readOnly": false, "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": tr.account,
		"eventCategory": "Management",
	}
	if errorCode != "" {
		r["errorCode"], r["errorMessage"] = errorCode, "denied"
	}
	tr.records = append(tr.records, r)
}

func (tr *trail) json(tb testing.TB) string {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"Records": tr.records})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// guardDutyFinding is a GuardDuty finding about an IAM user's access key
// called from ip, or (user "") about an instance contacted from ip.
func guardDutyFinding(account, id, typ, user, instance, ip string, severity float64, first, last time.Time) map[string]any {
	resource := map[string]any{}
	if user != "" {
		resource["resourceType"] = "AccessKey"
		resource["accessKeyDetails"] = map[string]any{"accessKeyId": "AKIA" + strings.ToUpper(user), "userType": "IAMUser", "userName": user}
	} else {
		resource["resourceType"] = "Instance"
		resource["instanceDetails"] = map[string]any{"instanceId": instance}
	}
	return map[string]any{
		"schemaVersion": "2.0", "accountId": account, "region": "us-east-1", "partition": "aws", "id": id,
		"arn":  "arn:aws:guardduty:us-east-1:" + account + ":detector/d1/finding/" + id,
		"type": typ, "resource": resource, "severity": severity,
		"createdAt": first.UTC().Format(time.RFC3339), "updatedAt": last.UTC().Format(time.RFC3339),
		"service": map[string]any{
			"eventFirstSeen": first.UTC().Format(time.RFC3339), "eventLastSeen": last.UTC().Format(time.RFC3339),
			"action": map[string]any{"awsApiCallAction": map[string]any{"api": "ListBuckets",
				"remoteIpDetails": map[string]any{"ipAddressV4": ip}}},
		},
	}
}

// securityHubFinding is an ASFF finding about an instance reached from ip.
func securityHubFinding(account, id, instance, ip string, at time.Time) map[string]any {
	return map[string]any{"Findings": []any{map[string]any{
		"SchemaVersion": "2018-10-08", "Id": id,
		"ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub", "GeneratorId": "custom-rule",
		"AwsAccountId": account, "Region": "us-east-1", "Types": []string{"TTPs/Command and Control/Backdoor"},
		"CreatedAt": at.UTC().Format(time.RFC3339), "UpdatedAt": at.UTC().Format(time.RFC3339),
		"FirstObservedAt": at.UTC().Format(time.RFC3339), "LastObservedAt": at.UTC().Format(time.RFC3339),
		"Severity": map[string]any{"Label": "MEDIUM", "Normalized": 40}, "Title": "Outbound traffic to a known C2 address",
		"Network":   map[string]any{"SourceIpV4": ip},
		"Resources": []any{map[string]any{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:" + account + ":instance/" + instance}},
	}}}
}
