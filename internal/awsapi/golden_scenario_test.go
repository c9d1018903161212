package awsapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/world"
)

// The scenario's clock starts at goldenStart, off the second so that
// milliseconds show in every timestamp.
var goldenStart = time.Date(2026, 3, 2, 12, 0, 0, 250_000_000, time.UTC)

// Accounts of the scenario besides helpers_test.go's admin, member1 (to be
// ENABLED), member2 (too much volume) and third (not in GuardDuty).
const (
	invitee        = "666666666666" // stays INVITED, with an e-mail to escape
	wrongEmail     = "777777777777" // VERIFICATION_FAILED
	rejecter       = "888888888888"
	leaver         = "999999999999"
	otherAdmin     = "101010101010" // administers a second graph
	bigAdmin       = "131313131313" // too much volume to add anyone
	orgMember      = "121212121212"
	orgNoEmail     = "161616161616" // an organization account added without e-mail
	goldenMgmt     = "555555555555"
	outsider       = "141414141414" // in nothing at all
	goldenIngester = "151515151515" // ENABLED, with measured volume
	missing        = "000000000001"
	goldenLimit    = 10_000_000
)

func goldenOptions(t *testing.T) apitest.Options {
	return apitest.Options{
		Now:                goldenStart,
		IDs:                &sequentialIDs{},
		VerificationDelay:  time.Hour,
		InvestigationDelay: time.Hour,
		VolumeLimit:        goldenLimit,
		Accounts: []world.Account{
			{ID: member1, Volume: map[string]int64{"DETECTIVE_CORE": 3_000_000, "EKS_AUDIT": 1_000_000, "ASFF_SECURITYHUB_FINDING": 123_457}},
			{ID: member2, Volume: map[string]int64{"DETECTIVE_CORE": 9_000_000}},
			{ID: third, GuardDutyDisabled: true},
			{ID: wrongEmail, RootEmail: email(wrongEmail)},
			{ID: bigAdmin, Volume: map[string]int64{"DETECTIVE_CORE": 20_000_000}},
		},
		Threats: goldenThreats(t),
		Geo:     goldenGeo{},
	}
}

// place is where a scenario address is.
type place struct {
	ip  string
	loc geo.Location
	aso geo.ASO
}

var (
	seattle  = place{"198.51.100.10", geo.Location{City: "Seattle", Region: "Washington", Country: "United States", CountryCode: "US", Latitude: 47.6062, Longitude: -122.3321}, geo.ASO{Number: 64500, Organization: "Example Cloud US"}}
	berlin   = place{"203.0.113.50", geo.Location{City: "Berlin", Region: "Land Berlin", Country: "Germany", CountryCode: "DE", Latitude: 52.52, Longitude: 13.405}, geo.ASO{Number: 64510, Organization: "Example Telecom DE"}}
	saoPaulo = place{"192.0.2.66", geo.Location{City: "Sao Paulo", Region: "Sao Paulo", Country: "Brazil", CountryCode: "BR", Latitude: -23.5505, Longitude: -46.6333}, geo.ASO{Number: 64520, Organization: "Bulletproof Hosting"}}
)

// goldenGeo locates the scenario's addresses.
type goldenGeo struct{}

func (goldenGeo) find(a netip.Addr) (place, bool) {
	for _, p := range []place{seattle, berlin, saoPaulo} {
		if p.ip == a.String() {
			return p, true
		}
	}
	return place{}, false
}

func (g goldenGeo) Locate(a netip.Addr) (geo.Location, bool) { p, ok := g.find(a); return p.loc, ok }
func (g goldenGeo) ASN(a netip.Addr) (geo.ASO, bool)         { p, ok := g.find(a); return p.aso, ok }

func goldenThreats(t *testing.T) *threatintel.Set {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ipsum.txt")
	if err := os.WriteFile(path, []byte(saoPaulo.ip+"\t3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := threatintel.Load([]string{path}, 1)
	if err != nil {
		t.Fatalf("threatintel.Load: %v", err)
	}
	return set
}

// compromise is a month of carol's and dave's ordinary calls in admin's
// account, then carol's keys used from a flagged address in another
// country with a new tool, and GuardDuty findings about that address.
func compromise(now time.Time) (cloudTrail, guardDuty []byte) {
	const (
		cli     = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64"
		newTool = "python-requests/2.31.0"
	)
	var records []map[string]any
	call := func(user string, at time.Time, source, name string, from place, agent, errorCode string) {
		r := map[string]any{
			"eventVersion": "1.09",
			"userIdentity": map[string]any{"type": "IAMUser", "principalId": "AIDA" + strings.ToUpper(user),
				"arn": "arn:aws:iam::" + admin + ":user/" + user, "accountId": admin,
				"accessKeyId": "AKIA" + strings.ToUpper(user), "userName": user},
			"eventTime": at.UTC().Format(time.RFC3339), "eventSource": source, "eventName": name,
			"awsRegion": "us-east-1", "sourceIPAddress": from.ip, "userAgent": agent,
			"requestID": fmt.Sprintf("req-%d", len(records)), "eventID": fmt.Sprintf("%s-%d", admin, len(records)),
			"eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": admin, "eventCategory": "Management",
		}
		if errorCode != "" {
			r["errorCode"], r["errorMessage"] = errorCode, "denied"
		}
		records = append(records, r)
	}
	for day := 30; day >= 2; day-- {
		at := now.Add(-time.Duration(day) * 24 * time.Hour)
		call("carol", at, "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
		call("dave", at, "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
		call("bob", at, "s3.amazonaws.com", "ListBuckets", berlin, cli, "")
	}
	call("carol", now.Add(-10*time.Hour), "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
	intrusion := now.Add(-9 * time.Hour)
	call("carol", intrusion, "iam.amazonaws.com", "AttachUserPolicy", saoPaulo, newTool, "AccessDenied")
	call("carol", intrusion.Add(time.Minute), "iam.amazonaws.com", "AttachUserPolicy", saoPaulo, newTool, "")
	call("carol", intrusion.Add(2*time.Minute), "cloudtrail.amazonaws.com", "StopLogging", saoPaulo, newTool, "")
	call("carol", now.Add(-4*time.Hour), "s3.amazonaws.com", "ListBuckets", berlin, cli, "")

	finding := func(id, typ string, resource map[string]any, first, last time.Time) map[string]any {
		return map[string]any{
			"schemaVersion": "2.0", "accountId": admin, "region": "us-east-1", "partition": "aws", "id": id,
			"arn":  "arn:aws:guardduty:us-east-1:" + admin + ":detector/d1/finding/" + id,
			"type": typ, "resource": resource, "severity": 8,
			"createdAt": first.Format(time.RFC3339), "updatedAt": last.Format(time.RFC3339),
			"service": map[string]any{
				"eventFirstSeen": first.Format(time.RFC3339), "eventLastSeen": last.Format(time.RFC3339),
				"action": map[string]any{"awsApiCallAction": map[string]any{"api": "ListBuckets",
					"remoteIpDetails": map[string]any{"ipAddressV4": saoPaulo.ip}}},
			},
		}
	}
	findings := []any{
		finding("gd-carol-key", "UnauthorizedAccess:IAMUser/MaliciousIPCaller", map[string]any{"resourceType": "AccessKey",
			"accessKeyDetails": map[string]any{"accessKeyId": "AKIACAROL", "userType": "IAMUser", "userName": "carol"}},
			intrusion, intrusion.Add(5*time.Minute)),
		finding("gd-instance", "Recon:EC2/PortProbeUnprotectedPort", map[string]any{"resourceType": "Instance",
			"instanceDetails": map[string]any{"instanceId": "i-0abc"}}, intrusion.Add(2*time.Hour), intrusion.Add(3*time.Hour)),
	}
	ct, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		panic(err)
	}
	gd, err := json.Marshal(findings)
	if err != nil {
		panic(err)
	}
	return ct, gd
}

// memberCalls is a CloudTrail file of three calls in goldenIngester's account.
func memberCalls(now time.Time) []byte {
	var records []map[string]any
	for i := range 3 {
		records = append(records, map[string]any{
			"eventVersion": "1.09", "eventTime": now.Add(-time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339),
			"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::" + goldenIngester + ":user/erin", "accountId": goldenIngester, "userName": "erin"},
			"eventSource":  "s3.amazonaws.com", "eventName": "ListBuckets", "awsRegion": "us-east-1", "sourceIPAddress": seattle.ip,
			"userAgent": "aws-cli/2.15.0", "eventID": fmt.Sprintf("%s-%d", goldenIngester, i), "eventType": "AwsApiCall", "recipientAccountId": goldenIngester,
		})
	}
	b, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		panic(err)
	}
	return b
}

func mustIngestGolden(t *testing.T, env *apitest.Env, f format.Format, body []byte) {
	t.Helper()
	resp, err := http.Post(env.URL+"/_detective/ingest?format="+string(f), "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("ingest %s: %v", f, err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest %s = %d %s", f, resp.StatusCode, b)
	}
}

// mustDeclareOrganization declares an organization of goldenMgmt, admin,
// orgMember and orgNoEmail, as a seed file would, at the clock's time.
func mustDeclareOrganization(t *testing.T, env *apitest.Env) {
	t.Helper()
	const org = "o-goldenorg1"
	now := env.Clock.Now()
	err := env.Store.World().Write(ctx, func(tx world.Tx) error {
		if err := tx.CreateOrganization(ctx, world.Organization{ID: org, Management: goldenMgmt, FeatureSet: world.FeatureSetAll,
			RootID: "r-gold", CreatedTime: now}); err != nil {
			return err
		}
		for _, a := range []string{goldenMgmt, admin, orgMember, orgNoEmail} {
			if err := tx.PutOrgAccount(ctx, world.OrgAccount{Org: org, Account: domain.AccountID(a), Method: world.JoinedCreated,
				JoinedTime: now, Status: world.OrgAccountActive}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("declare organization: %v", err)
	}
}

func graphARN(account, id string) string {
	return "arn:aws:detective:us-east-1:" + account + ":graph:" + id
}

// runGoldenScenario makes every call of the scenario and returns their
// exchanges in order.
func runGoldenScenario(t *testing.T, env *apitest.Env) []exchange {
	g := newGolden(t, env)
	tick := func() { env.Clock.Advance(1500 * time.Millisecond) }
	adm, other := g.client(admin), g.client(otherAdmin)

	graph, otherGraph := goldenGraphs(g, adm, other)
	ct, gd := compromise(goldenStart.Truncate(time.Hour))
	mustIngestGolden(t, env, format.CloudTrail, ct)
	mustIngestGolden(t, env, format.GuardDuty, gd)
	tick()
	goldenMembers(g, graph, otherGraph, tick)
	tick()
	goldenDatasources(g, graph, otherGraph)
	tick()
	goldenInvestigations(g, graph)
	tick()
	goldenErrors(g, graph, otherGraph)
	tick()
	// Last: disabling the organization's administrator deletes its graph.
	goldenOrganization(g, graph)
	return g.done
}

func goldenGraphs(g *golden, adm, other *detective.Client) (graph, otherGraph string) {
	created, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{Tags: map[string]string{
		"team": "sec", "note": `<b>&"quoted"</b> \ é`, "empty": ""}})
	g.ok("a graph with tags", err)
	gr := created.GraphArn
	_, err = adm.CreateGraph(ctx, &detective.CreateGraphInput{})
	g.ok("the same administrator again: the same graph", err)
	second, err := other.CreateGraph(ctx, &detective.CreateGraphInput{})
	g.ok("a second graph, without tags", err)

	_, err = adm.ListGraphs(ctx, &detective.ListGraphsInput{})
	g.ok("the administrator's graph", err)
	_, err = g.client(outsider).ListGraphs(ctx, &detective.ListGraphsInput{})
	g.ok("an account that administers none: empty list", err)

	_, err = adm.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: gr})
	g.ok("tags given at creation, escaped", err)
	_, err = adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: gr, Tags: map[string]string{"team": "secops", "cost-center": "42"}})
	g.ok("overwrite one tag, add one", err)
	_, err = adm.UntagResource(ctx, &detective.UntagResourceInput{ResourceArn: gr, TagKeys: []string{"empty", "absent"}})
	g.ok("remove a tag and one that is absent", err)
	_, err = adm.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: gr})
	g.ok("after tagging and untagging", err)
	_, err = other.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: second.GraphArn})
	g.ok("a graph without tags: empty map", err)
	_, err = adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: aws.String(graphARN(admin, strings.Repeat("0", 32))), Tags: map[string]string{"a": "b"}})
	g.fail("a graph that does not exist", err, "ResourceNotFoundException")
	_, err = adm.UntagResource(ctx, &detective.UntagResourceInput{ResourceArn: second.GraphArn, TagKeys: []string{"a"}})
	g.fail("another administrator's graph", err, "AccessDeniedException")
	return aws.ToString(gr), aws.ToString(second.GraphArn)
}

func goldenMembers(g *golden, graph, otherGraph string, tick func()) {
	adm, other := g.client(admin), g.client(otherAdmin)
	gr := aws.String(graph)
	invited := append(accounts(member1, member2, third, rejecter, leaver, goldenIngester),
		types.Account{AccountId: aws.String(invitee), EmailAddress: aws.String(`o'brien+<dev>&"ops"@example.com`)},
		types.Account{AccountId: aws.String(wrongEmail), EmailAddress: aws.String("someone.else@example.com")},
		types.Account{AccountId: aws.String(admin), EmailAddress: aws.String(email(admin))})
	_, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: gr, Accounts: invited, Message: aws.String("please join")})
	g.ok("eight accounts being verified, the administrator's own unprocessed", err)
	_, err = other.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(otherGraph), Accounts: accounts(invitee), DisableEmailNotification: true})
	g.ok("one account, to a second graph", err)
	_, err = adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: gr, AccountIds: []string{member1, wrongEmail, missing}})
	g.ok("VERIFICATION_IN_PROGRESS, and an account that is not a member", err)
	_, err = g.client(member1).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: gr})
	g.fail("before verification", err, "ConflictException")
	_, err = g.client(invitee).ListInvitations(ctx, &detective.ListInvitationsInput{})
	g.ok("invitations being verified are not listed: empty list", err)

	g.env.Clock.Advance(time.Hour)
	for _, a := range []string{member1, member2, third, leaver, goldenIngester} {
		_, err = g.client(a).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: gr})
		g.ok("by "+a, err)
		tick()
	}
	_, err = g.client(member1).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: gr})
	g.fail("already accepted", err, "ConflictException")
	// goldenIngester's volume is measured from what it ingests.
	mustIngestGolden(g.t, g.env, format.CloudTrail, memberCalls(g.env.Clock.Now()))
	_, err = g.client(rejecter).RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: gr})
	g.ok("an invited account declines", err)
	_, err = g.client(member1).RejectInvitation(ctx, &detective.RejectInvitationInput{GraphArn: gr})
	g.fail("an enabled member", err, "ConflictException")
	_, err = g.client(leaver).DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: gr})
	g.ok("an enabled member leaves", err)
	_, err = g.client(invitee).DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: gr})
	g.fail("an invited member", err, "ConflictException")
	tick()

	_, err = adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: gr, AccountIds: []string{member1, goldenIngester, member2, third, invitee, wrongEmail, admin}})
	g.ok("every status: ENABLED with volume per package, ACCEPTED_BUT_DISABLED for both reasons, INVITED, VERIFICATION_FAILED", err)
	page, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr, MaxResults: aws.Int32(3)})
	g.ok("a page of three with a token", err)
	_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr, NextToken: page.NextToken})
	g.ok("the last page", err)
	empty, err := g.client(outsider).CreateGraph(ctx, &detective.CreateGraphInput{})
	g.ok("a graph with no members yet", err)
	_, err = g.client(outsider).ListMembers(ctx, &detective.ListMembersInput{GraphArn: empty.GraphArn})
	g.ok("a graph without members: empty list", err)

	inv, err := g.client(invitee).ListInvitations(ctx, &detective.ListInvitationsInput{MaxResults: aws.Int32(1)})
	g.ok("invited to two graphs, a page of one", err)
	_, err = g.client(invitee).ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: inv.NextToken, MaxResults: aws.Int32(1)})
	g.ok("the second page", err)
	for _, a := range []string{member1, member2} {
		_, err = g.client(a).ListInvitations(ctx, &detective.ListInvitationsInput{})
		g.ok("by "+a, err)
	}
	_, err = g.client(outsider).ListInvitations(ctx, &detective.ListInvitationsInput{})
	g.ok("an account invited nowhere: empty list", err)

	_, err = adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: gr, AccountId: aws.String(member2)})
	g.ok("still no room: stays ACCEPTED_BUT_DISABLED", err)
	_, err = adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: gr, AccountId: aws.String(member1)})
	g.fail("an enabled member", err, "ConflictException")
	_, err = adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: gr, AccountId: aws.String(missing)})
	g.fail("not a member", err, "ResourceNotFoundException")

	_, err = adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: gr, AccountIds: []string{third, missing}})
	g.ok("one member and an account that is not one", err)
	_, err = adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: gr, AccountIds: []string{admin}})
	g.ok("the administrator's own account", err)
}

func goldenDatasources(g *golden, graph, otherGraph string) {
	adm, m1 := g.client(admin), g.client(member1)
	gr := aws.String(graph)
	_, err := adm.ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: gr})
	g.ok("all three started", err)
	page, err := adm.ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: gr, MaxResults: aws.Int32(2)})
	g.ok("a page of two with a token", err)
	_, err = adm.ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: gr, MaxResults: aws.Int32(2), NextToken: page.NextToken})
	g.ok("the last page", err)
	_, err = adm.UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: gr,
		DatasourcePackages: []types.DatasourcePackage{types.DatasourcePackageEksAudit}})
	g.ok("keep EKS_AUDIT (and DETECTIVE_CORE), stop ASFF_SECURITYHUB_FINDING", err)
	_, err = adm.UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: gr,
		DatasourcePackages: []types.DatasourcePackage{"NOPE"}})
	g.fail("an unknown package", err, "ValidationException")
	_, err = adm.ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: gr})
	g.ok("one stopped", err)
	_, err = adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: gr, AccountIds: []string{member1}})
	g.ok("an enabled member after a package stopped", err)
	_, err = adm.BatchGetGraphMemberDatasources(ctx, &detective.BatchGetGraphMemberDatasourcesInput{GraphArn: gr,
		AccountIds: []string{member1, member2, invitee, admin, missing}})
	g.ok("members with histories, the invited and unknown unprocessed", err)
	_, err = m1.BatchGetMembershipDatasources(ctx, &detective.BatchGetMembershipDatasourcesInput{GraphArns: []string{graph, otherGraph}})
	g.ok("a member's graph and another, unprocessed", err)
	_, err = m1.BatchGetMembershipDatasources(ctx, &detective.BatchGetMembershipDatasourcesInput{GraphArns: []string{graphARN(third, strings.Repeat("0", 32))}})
	g.fail("only a graph that does not exist", err, "ResourceNotFoundException")
	_, err = g.client(outsider).BatchGetGraphMemberDatasources(ctx, &detective.BatchGetGraphMemberDatasourcesInput{GraphArn: gr, AccountIds: []string{member1}})
	g.fail("not the administrator", err, "AccessDeniedException")
}

func goldenInvestigations(g *golden, graph string) {
	adm := g.client(admin)
	gr := aws.String(graph)
	end := goldenStart.Truncate(time.Hour)
	start := func(name, user string) string {
		out, err := adm.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: gr,
			EntityArn: aws.String("arn:aws:iam::" + admin + ":user/" + user), ScopeStartTime: aws.Time(end.Add(-24 * time.Hour)), ScopeEndTime: aws.Time(end)})
		g.ok(name, err)
		return aws.ToString(out.InvestigationId)
	}
	carol := start("carol, whose keys were used from abroad", "carol")
	id := aws.String(carol)
	_, err := adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: gr, InvestigationId: id})
	g.ok("RUNNING", err)
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: id})
	g.ok("RUNNING: empty list", err)
	g.env.Clock.Advance(time.Second)
	dave := start("dave, who kept to his habits", "dave")
	g.env.RunJob("run-investigations")
	g.env.Clock.Advance(time.Hour)

	_, err = adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: gr, InvestigationId: id})
	g.ok("SUCCESSFUL, CRITICAL", err)
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: id})
	g.ok("every type of indicator", err)
	page, err := adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: id, MaxResults: aws.Int32(2)})
	g.ok("a page of two with a token", err)
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: id, MaxResults: aws.Int32(2), NextToken: page.NextToken})
	g.ok("the second page", err)
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: id, IndicatorType: types.IndicatorTypeImpossibleTravel})
	g.ok("of one type", err)
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: aws.String(dave)})
	g.ok("none found: empty list", err)

	_, err = adm.UpdateInvestigationState(ctx, &detective.UpdateInvestigationStateInput{GraphArn: gr, InvestigationId: aws.String(dave), State: types.StateArchived})
	g.ok("archive", err)
	_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr})
	g.ok("newest first", err)
	page2, err := adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr, MaxResults: aws.Int32(1),
		SortCriteria: &types.SortCriteria{Field: types.FieldCreatedTime, SortOrder: types.SortOrderAsc}})
	g.ok("oldest first, a page of one with a token", err)
	_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr, MaxResults: aws.Int32(1), NextToken: page2.NextToken,
		SortCriteria: &types.SortCriteria{Field: types.FieldCreatedTime, SortOrder: types.SortOrderAsc}})
	g.ok("the last page", err)
	_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr,
		FilterCriteria: &types.FilterCriteria{State: &types.StringFilter{Value: aws.String("ARCHIVED")}}})
	g.ok("archived only", err)
	_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr,
		FilterCriteria: &types.FilterCriteria{Severity: &types.StringFilter{Value: aws.String("LOW")}}})
	g.ok("none matches: empty list", err)

	_, err = adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: gr, InvestigationId: aws.String("123456789012345678901")})
	g.fail("an investigation that does not exist", err, "ResourceNotFoundException")
	_, err = g.client(outsider).GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: gr, InvestigationId: id})
	g.fail("not the administrator", err, "AccessDeniedException")
	_, err = adm.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: gr, EntityArn: aws.String("arn:aws:s3:::bucket"),
		ScopeStartTime: aws.Time(end.Add(-time.Hour)), ScopeEndTime: aws.Time(end)})
	g.fail("not an IAM principal", err, "ValidationException")
	_, err = adm.UpdateInvestigationState(ctx, &detective.UpdateInvestigationStateInput{GraphArn: gr, InvestigationId: aws.String("123456789012345678901"), State: types.StateActive})
	g.fail("an investigation that does not exist", err, "ResourceNotFoundException")
	_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: gr, NextToken: page2.NextToken})
	g.fail("a token given other arguments", err, "ValidationException")
	_, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: gr, InvestigationId: aws.String("123456789012345678901")})
	g.fail("an investigation that does not exist", err, "ResourceNotFoundException")
}

func goldenOrganization(g *golden, graph string) {
	mustDeclareOrganization(g.t, g.env)
	mgmt, adm := g.client(goldenMgmt), g.client(admin)
	gr := aws.String(graph)
	_, err := mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
	g.ok("none designated: empty list", err)
	_, err = g.client(outsider).ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
	g.fail("outside an organization", err, "ValidationException")
	_, err = adm.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
	g.fail("not the management account", err, "AccessDeniedException")
	_, err = adm.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)})
	g.fail("not the management account", err, "AccessDeniedException")
	_, err = mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(outsider)})
	g.fail("an account outside the organization", err, "ValidationException")
	_, err = mgmt.EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(admin)})
	g.ok("an administrator with a graph", err)
	_, err = mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
	g.ok("the designated administrator", err)

	_, err = adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: gr})
	g.ok("AutoEnable false", err)
	_, err = adm.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: gr, AutoEnable: true})
	g.ok("AutoEnable on", err)
	_, err = adm.DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: gr})
	g.ok("AutoEnable true", err)
	_, err = g.client(otherAdmin).DescribeOrganizationConfiguration(ctx, &detective.DescribeOrganizationConfigurationInput{GraphArn: gr})
	g.fail("not the administrator", err, "AccessDeniedException")
	_, err = g.client(otherAdmin).UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: gr})
	g.fail("not the administrator", err, "AccessDeniedException")

	_, err = adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: gr, Accounts: accounts(orgMember)})
	g.ok("an organization account, enabled at once", err)
	// The SDK requires an e-mail; Detective does not for organization
	// accounts, and other clients send none.
	g.raw("CreateMembers", "an organization account without e-mail", admin, "POST", "/graph/members",
		`{"GraphArn":"`+graph+`","Accounts":[{"AccountId":"`+orgNoEmail+`"}]}`)
	_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr})
	g.ok("the organization graph", err)
	_, err = g.client(orgMember).ListInvitations(ctx, &detective.ListInvitationsInput{})
	g.ok("an organization membership", err)

	_, err = adm.DisableOrganizationAdminAccount(ctx, &detective.DisableOrganizationAdminAccountInput{})
	g.fail("not the management account", err, "AccessDeniedException")
	_, err = mgmt.DisableOrganizationAdminAccount(ctx, &detective.DisableOrganizationAdminAccountInput{})
	g.ok("the management account", err)
	_, err = mgmt.ListOrganizationAdminAccounts(ctx, &detective.ListOrganizationAdminAccountsInput{})
	g.ok("after disabling: empty list", err)
}

func goldenErrors(g *golden, graph, otherGraph string) {
	adm := g.client(admin)
	gr := aws.String(graph)
	_, err := adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: aws.String("arn:aws:detective:us-east-1:111111111111:graph:NOT-HEX"), AccountIds: []string{member1}})
	g.fail("a malformed graph ARN", err, "ValidationException")
	_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr, MaxResults: aws.Int32(500)})
	g.fail("MaxResults above 200", err, "ValidationException")
	_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr, NextToken: aws.String("not-a-token")})
	g.fail("a token that is not one", err, "ValidationException")
	g.raw("ListMembers", "a body that is not a JSON object", admin, "POST", "/graph/members/list", `[1]`)
	g.raw("ListMembers", "a member of the wrong JSON type", admin, "POST", "/graph/members/list", `{"GraphArn":"`+graph+`","MaxResults":"ten"}`)
	_, err = g.client(outsider).ListMembers(ctx, &detective.ListMembersInput{GraphArn: gr})
	g.fail("not the administrator", err, "AccessDeniedException")
	_, err = adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(graphARN(admin, strings.Repeat("0", 32)))})
	g.fail("a graph that does not exist", err, "ResourceNotFoundException")
	_, err = adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: gr, Accounts: accounts(member1)})
	g.ok("an account that is already a member: unprocessed", err)
	_, err = adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: gr, Accounts: accounts("12345")})
	g.fail("an account ID that is not 12 digits", err, "ValidationException")

	big := g.client(bigAdmin)
	created, err := big.CreateGraph(ctx, &detective.CreateGraphInput{})
	g.ok("an administrator whose own volume is above the limit", err)
	_, err = big.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: created.GraphArn, Accounts: accounts(invitee)})
	g.fail("a graph above the volume limit", err, "ServiceQuotaExceededException")

	_, err = adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(otherGraph), AccountIds: []string{invitee}})
	g.fail("another administrator's graph", err, "AccessDeniedException")
	_, err = adm.DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(otherGraph)})
	g.fail("another administrator's graph", err, "AccessDeniedException")
	_, err = g.client(otherAdmin).DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(otherGraph)})
	g.ok("the administrator's own graph", err)
	_, err = g.client(otherAdmin).DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(otherGraph)})
	g.fail("a graph already deleted", err, "ResourceNotFoundException")
	_, err = g.client(invitee).ListInvitations(ctx, &detective.ListInvitationsInput{NextToken: aws.String("bm90LWEtdG9rZW4")})
	g.fail("a token that is not one", err, "ValidationException")
}
