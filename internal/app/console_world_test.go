package app_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/app"
	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/auth"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/synth"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// The accounts of the console's world: an administrator, a member that
// accepted, and one with an open invitation for the browser to accept.
const (
	adminAccount   = "111111111111"
	enabledAccount = "333333333333"
	invitedAccount = "222222222222"
	profiledRole   = "arn:aws:iam::111111111111:role/role-0"
)

// credentials of the seed file, for the server that verifies signatures.
var testCredentials = map[string]auth.Credential{
	"AKIAADMINEXAMPLE":  {AccessKeyID: "AKIAADMINEXAMPLE", SecretAccessKey: "admin-secret", Account: adminAccount},
	"AKIAMEMBEREXAMPLE": {AccessKeyID: "AKIAMEMBEREXAMPLE", SecretAccessKey: "member-secret", Account: invitedAccount},
}

// fakeGeo places every address in one of a few cities, by a hash of the
// address, so that profiles have a map.
type fakeGeo struct{}

var cities = []geo.Location{
	{City: "Frankfurt am Main", Region: "Hesse", Country: "Germany", CountryCode: "DE", Latitude: 50.11, Longitude: 8.68},
	{City: "Ashburn", Region: "Virginia", Country: "United States", CountryCode: "US", Latitude: 39.04, Longitude: -77.49},
	{City: "Tokyo", Region: "Tokyo", Country: "Japan", CountryCode: "JP", Latitude: 35.68, Longitude: 139.69},
	{City: "São Paulo", Region: "São Paulo", Country: "Brazil", CountryCode: "BR", Latitude: -23.55, Longitude: -46.63},
	{City: "Sydney", Region: "New South Wales", Country: "Australia", CountryCode: "AU", Latitude: -33.87, Longitude: 151.21},
}

func pick(a netip.Addr) int {
	h := fnv.New32a()
	h.Write(a.AsSlice())
	return int(h.Sum32() % uint32(len(cities)))
}

func (fakeGeo) Locate(a netip.Addr) (geo.Location, bool) { return cities[pick(a)], true }
func (fakeGeo) ASN(a netip.Addr) (geo.ASO, bool) {
	return geo.ASO{Number: 64500 + uint32(pick(a)), Organization: "Example Networks " + cities[pick(a)].CountryCode}, true
}

// consoleWorld is a server's store with a graph, members, a month of
// CloudTrail activity, findings and an investigation with indicators.
type consoleWorld struct {
	store         *sqlite.Store
	graph         string
	investigation string
	now           time.Time
	ip            string // the profiled role's address that indicators name
}

func mustOpenStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mustStartServer(t testing.TB, st *sqlite.Store, verify bool) *app.Server {
	t.Helper()
	srv, err := app.Start(context.Background(), st, app.Config{Addr: "127.0.0.1:0", Credentials: testCredentials,
		VerifySignatures: verify, DefaultAccount: "000000000000", DefaultRegion: "us-east-1", MaxSkew: 5 * time.Minute})
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func sdkClient(addr, account string) *detective.Client {
	return detective.New(detective.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider(account, "secret", ""), Retryer: aws.NopRetryer{}})
}

// mustSeedConsoleWorld builds the world through the API (graph, members,
// investigation), the ingest pipeline (a month of hourly activity and two
// findings) and the store (the investigation's indicators, which the
// engine would compute).
func mustSeedConsoleWorld(t testing.TB, st *sqlite.Store, addr string, hours int) consoleWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Hour)
	adm := sdkClient(addr, adminAccount)
	g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	for _, a := range []string{enabledAccount, invitedAccount} {
		if _, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn,
			Accounts: []types.Account{{AccountId: aws.String(a), EmailAddress: aws.String("sec@example.com")}}}); err != nil {
			t.Fatalf("CreateMembers: %v", err)
		}
	}
	if _, err := sdkClient(addr, enabledAccount).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: g.GraphArn}); err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}

	p := ingest.New(st, ingest.Config{Geo: fakeGeo{}})
	events := hours * 12 // one every five minutes
	var trail bytes.Buffer
	gen := synth.New(synth.CloudTrail{Accounts: []string{adminAccount}, Users: 4, Roles: 3, SessionsPerRole: 4, IPs: 16,
		UserAgents: 6, Start: now.Add(-time.Duration(hours) * time.Hour), Step: 5 * time.Minute, Run: "console"})
	if err := gen.WriteFile(&trail, 0, events); err != nil {
		t.Fatalf("synth: %v", err)
	}
	if res, err := p.Ingest(ctx, &trail, ingest.Request{Source: "trail.json"}); err != nil || res.Accepted == 0 {
		t.Fatalf("Ingest CloudTrail = %+v, %v; want records accepted", res, err)
	}
	graph, err := arn.ParseGraph(*g.GraphArn)
	if err != nil {
		t.Fatal(err)
	}
	// The role's busiest address is the one its indicators and findings
	// name, so that following them leads to activity.
	prof, err := p.Profile(ctx, graph, profiledRole, now.Add(-time.Duration(hours)*time.Hour), now.Add(time.Hour))
	if err != nil || len(prof.SourceIPs) == 0 {
		t.Fatalf("Profile(%s) = %+v, %v; want source addresses", profiledRole, prof, err)
	}
	ip := prof.SourceIPs[0].IP
	for _, s := range prof.SourceIPs {
		if s.Success+s.Failure > 0 && s.Location != nil {
			ip = s.IP
			break
		}
	}
	findings := fmt.Sprintf(`[%s,%s]`,
		finding("f-recon", "Recon:IAMUser/MaliciousIPCaller", 5.0, ip, now.Add(-30*time.Hour)),
		finding("f-exfil", "Exfiltration:IAMUser/AnomalousBehavior", 8.0, ip, now.Add(-20*time.Hour)))
	if res, err := p.Ingest(ctx, bytes.NewBufferString(findings), ingest.Request{Source: "findings.json"}); err != nil || res.Accepted != 2 {
		t.Fatalf("Ingest findings = %+v, %v; want 2 accepted", res, err)
	}

	inv, err := adm.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: g.GraphArn, EntityArn: aws.String(profiledRole),
		ScopeStartTime: aws.Time(now.Add(-72 * time.Hour)), ScopeEndTime: aws.Time(now)})
	if err != nil {
		t.Fatalf("StartInvestigation: %v", err)
	}
	err = st.Write(ctx, func(tx domain.Tx) error {
		return tx.PutIndicators(ctx, graph, *inv.InvestigationId, []domain.Indicator{
			{Type: domain.IndicatorTTPObserved, Detail: map[string]any{"Tactic": "Discovery", "Technique": "Cloud Infrastructure Discovery",
				"Procedure": "Listed instances", "IpAddress": ip, "APIName": "DescribeInstances", "APISuccessCount": 42, "APIFailureCount": 3}},
			{Type: domain.IndicatorNewGeolocation, Detail: map[string]any{"Location": "Tokyo, Japan", "IpAddress": ip, "IsNewForEntireAccount": true}},
			{Type: domain.IndicatorRelatedFinding, Detail: map[string]any{"Id": "f-exfil", "Type": "Exfiltration:IAMUser/AnomalousBehavior",
				"Arn": "arn:aws:guardduty:us-east-1:111111111111:detector/d/finding/f-exfil", "IpAddress": ip}},
		})
	})
	if err != nil {
		t.Fatalf("PutIndicators: %v", err)
	}
	return consoleWorld{store: st, graph: *g.GraphArn, investigation: *inv.InvestigationId, now: now, ip: ip}
}

// finding is a GuardDuty finding of the profiled role from ip.
func finding(id, typ string, severity float64, ip string, at time.Time) string {
	return fmt.Sprintf(`{"schemaVersion":"2.0","accountId":"%s","region":"us-east-1","partition":"aws","id":"%s","arn":"arn:aws:guardduty:us-east-1:%s:detector/d/finding/%s","type":"%s","title":"%s","resource":{"accessKeyDetails":{"accessKeyId":"ASIAEXAMPLE","userType":"AssumedRole","userName":"role-0"}},"service":{"action":{"awsApiCallAction":{"api":"ListBuckets","remoteIpDetails":{"ipAddressV4":"%s"}}},"eventFirstSeen":"%s","eventLastSeen":"%s"},"severity":%.1f,"createdAt":"%s","updatedAt":"%s"}`,
		adminAccount, id, adminAccount, id, typ, typ, ip, at.Format(time.RFC3339), at.Add(time.Hour).Format(time.RFC3339), severity,
		at.Format(time.RFC3339), at.Add(time.Hour).Format(time.RFC3339))
}
