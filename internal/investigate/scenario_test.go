package investigate

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

const (
	alice = "arn:aws:iam::111122223333:user/alice"
	bob   = "arn:aws:iam::111122223333:user/bob"
	carol = "arn:aws:iam::111122223333:user/carol"

	homeIP      = "198.51.100.10"
	carolIP     = "198.51.100.20"
	attackerIP  = "203.0.113.66"
	hetznerIP   = "192.0.2.200"
	findingOnly = "198.51.100.99"

	cliAgent      = "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls"
	boto3Agent    = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6"
	requestsAgent = "python-requests/2.31.0"
)

var (
	seattle = &place{
		Location{City: "Seattle", Region: "Washington", Country: "United States", CountryCode: "US", Latitude: 47.6062, Longitude: -122.3321},
		ASO{Number: 7922, Organization: "Comcast Cable Communications, LLC"},
	}
	moscow = &place{
		Location{City: "Moscow", Region: "Moscow", Country: "Russia", CountryCode: "RU", Latitude: 55.7558, Longitude: 37.6173},
		ASO{Number: 64500, Organization: "EvilHost Ltd"},
	}
	frankfurt = &place{
		Location{City: "Frankfurt am Main", Region: "Hesse", Country: "Germany", CountryCode: "DE", Latitude: 50.1109, Longitude: 8.6821},
		ASO{Number: 24940, Organization: "Hetzner Online GmbH"},
	}
)

// scope is the day investigated; data starts 40 days before it.
var (
	scopeStart = mustTime("2026-03-01T00:00:00Z")
	scopeEnd   = mustTime("2026-03-02T00:00:00Z")
	dataStart  = scopeStart.Add(-40 * 24 * time.Hour)
)

func at(hhmm string) time.Time { return mustTime("2026-03-01T" + hhmm + ":00Z") }

func testTTPs() ttpTable {
	return ttpTable{
		"iam.amazonaws.com:CreateAccessKey":    {"Persistence", "T1098.001 Additional Cloud Credentials", "Created an access key for an IAM user"},
		"iam.amazonaws.com:AttachUserPolicy":   {"Privilege Escalation", "T1098.003 Additional Cloud Roles", "Attached a managed policy to an IAM user"},
		"cloudtrail.amazonaws.com:StopLogging": {"Defense Evasion", "T1562.008 Disable or Modify Cloud Logs", "Stopped a CloudTrail trail from logging"},
		"ec2.amazonaws.com:RunInstances!":      {"Impact", "T1496.004 Cloud Service Hijacking", "Tried to start instances and was refused"},
	}
}

func testThreats() threatList {
	return threatList{mustPrefix(attackerIP): 5, mustPrefix(findingOnly): 2}
}

// normalUse is 40 days of ordinary work: alice from home in Seattle with
// the CLI, bob from a Frankfurt server with boto3, carol from Seattle.
func normalUse(w *world) {
	w.daily(alice, "s3.amazonaws.com:ListBuckets", homeIP, seattle, cliAgent, dataStart, scopeStart, 16, 17, 18)
	w.daily(alice, "ec2.amazonaws.com:DescribeInstances", homeIP, seattle, cliAgent, dataStart, scopeStart, 17)
	w.daily(bob, "s3.amazonaws.com:GetObject", hetznerIP, frankfurt, boto3Agent, dataStart, scopeEnd, 9, 10)
	w.daily(carol, "s3.amazonaws.com:ListBuckets", carolIP, seattle, cliAgent, dataStart, scopeEnd, 15)
}

// guardDutyARN is the ARN of a GuardDuty finding.
func guardDutyARN(id string) string {
	return "arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/" + id
}

// compromise is alice's day: a normal morning at home, then a caller from
// Moscow with python-requests adds an access key, escalates, stops the
// trail (refused once), and later uses her keys from bob's Frankfurt host;
// GuardDuty sees the attacker's IP, also probing an instance.
func compromise(w *world) {
	w.add(
		call(alice, "s3.amazonaws.com:ListBuckets", homeIP, seattle, cliAgent, at("08:00"), at("08:10"), 2, 0),
		call(alice, "sts.amazonaws.com:GetCallerIdentity", attackerIP, moscow, requestsAgent, at("09:30"), at("09:30"), 1, 0),
		call(alice, "iam.amazonaws.com:CreateAccessKey", attackerIP, moscow, requestsAgent, at("09:30"), at("09:41"), 2, 0),
		call(alice, "iam.amazonaws.com:AttachUserPolicy", attackerIP, moscow, requestsAgent, at("09:35"), at("09:35"), 1, 0),
		call(alice, "cloudtrail.amazonaws.com:StopLogging", attackerIP, moscow, requestsAgent, at("09:45"), at("09:45"), 0, 1),
		call(alice, "cloudtrail.amazonaws.com:StopLogging", attackerIP, moscow, requestsAgent, at("10:05"), at("10:20"), 1, 0),
		call(alice, "s3.amazonaws.com:ListBuckets", hetznerIP, frankfurt, boto3Agent, at("14:00"), at("14:05"), 1, 0),
	)
	w.findings = append(w.findings,
		Finding{ // alice's keys used from a listed IP
			ID: "f1aa", ARN: guardDutyARN("f1aa"), Type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
			Score: 8, Source: "guardduty", CreatedAt: at("09:50"), UpdatedAt: at("10:30"),
			FirstSeen: at("09:30"), LastSeen: at("10:20"),
			UserNames: []string{"alice"}, AccessKeyIDs: []string{"AKIAIOSFODNN7EXAMPLE"},
			RemoteIPs: []string{attackerIP, findingOnly},
		},
		Finding{ // the same IP probing an instance the evening before
			ID: "f2bb", ARN: guardDutyARN("f2bb"), Type: "Recon:EC2/PortProbeUnprotectedPort",
			Score: 5, Source: "guardduty", CreatedAt: mustTime("2026-02-28T20:00:00Z"), UpdatedAt: mustTime("2026-02-28T22:00:00Z"),
			InstanceIDs: []string{"i-0abcd1234efgh5678"}, RemoteIPs: []string{attackerIP},
		},
		Finding{ // bob's bucket: unrelated to alice
			ID: "f3cc", ARN: "arn:aws:securityhub:us-east-1:111122223333:finding/f3cc", Type: "Software and Configuration Checks",
			Severity: "LOW", Source: "securityhub", CreatedAt: at("12:00"), UpdatedAt: at("12:00"),
			Principals: []string{bob}, Buckets: []string{"bob-logs"},
		},
		Finding{ // alice, a month ago: outside scope, and 48 h from nothing
			ID: "f4dd", ARN: guardDutyARN("f4dd"), Type: "Policy:IAMUser/RootCredentialUsage",
			Score: 2, Source: "guardduty", CreatedAt: scopeStart.Add(-30 * 24 * time.Hour), UpdatedAt: scopeStart.Add(-30 * 24 * time.Hour),
			UserNames: []string{"alice"},
		},
	)
}

func investigation(entity string) detective.Investigation {
	return detective.Investigation{Graph: testGraph(), ID: "000000000000000000001", EntityARN: entity, ScopeStart: scopeStart, ScopeEnd: scopeEnd}
}

func mustInvestigate(t *testing.T, e *Engine, entity string) ([]detective.Indicator, detective.Severity, Explanation) {
	t.Helper()
	inds, sev, expl, err := e.Investigate(context.Background(), investigation(entity))
	if err != nil {
		t.Fatalf("Investigate(%s): %v", entity, err)
	}
	if len(expl.Indicators) != len(inds) {
		t.Fatalf("Investigate(%s): %d indicators but %d reasons", entity, len(inds), len(expl.Indicators))
	}
	return inds, sev, expl
}

func newTestEngine(w *world, s Settings) *Engine { return New(w, testTTPs(), testThreats(), s) }

func ind(t detective.IndicatorType, detail map[string]any) detective.Indicator {
	return detective.Indicator{Type: t, Detail: detail}
}

func TestInvestigateCompromise(t *testing.T) {
	w := newWorld()
	normalUse(w)
	compromise(w)
	inds, sev, expl := mustInvestigate(t, newTestEngine(w, DefaultSettings()), alice)

	want := []detective.Indicator{
		ind(detective.IndicatorTTPObserved, map[string]any{
			"Tactic": "Privilege Escalation", "Technique": "T1098.003 Additional Cloud Roles", "Procedure": "Attached a managed policy to an IAM user",
			"IpAddress": attackerIP, "APIName": "AttachUserPolicy", "APISuccessCount": int64(1), "APIFailureCount": int64(0),
		}),
		ind(detective.IndicatorTTPObserved, map[string]any{
			"Tactic": "Persistence", "Technique": "T1098.001 Additional Cloud Credentials", "Procedure": "Created an access key for an IAM user",
			"IpAddress": attackerIP, "APIName": "CreateAccessKey", "APISuccessCount": int64(2), "APIFailureCount": int64(0),
		}),
		ind(detective.IndicatorTTPObserved, map[string]any{
			"Tactic": "Defense Evasion", "Technique": "T1562.008 Disable or Modify Cloud Logs", "Procedure": "Stopped a CloudTrail trail from logging",
			"IpAddress": attackerIP, "APIName": "StopLogging", "APISuccessCount": int64(1), "APIFailureCount": int64(1),
		}),
		ind(detective.IndicatorImpossibleTravel, map[string]any{
			"StartingIpAddress": homeIP, "EndingIpAddress": attackerIP,
			"StartingLocation": "Seattle, Washington, United States", "EndingLocation": "Moscow, Moscow, Russia",
			"HourlyTimeDelta": int32(1),
		}),
		ind(detective.IndicatorFlaggedIPAddress, map[string]any{"IpAddress": findingOnly, "Reason": "AWS_THREAT_INTELLIGENCE"}),
		ind(detective.IndicatorFlaggedIPAddress, map[string]any{"IpAddress": attackerIP, "Reason": "AWS_THREAT_INTELLIGENCE"}),
		ind(detective.IndicatorNewGeolocation, map[string]any{"Location": "Moscow, Moscow, Russia", "IpAddress": attackerIP, "IsNewForEntireAccount": true}),
		ind(detective.IndicatorNewGeolocation, map[string]any{"Location": "Frankfurt am Main, Hesse, Germany", "IpAddress": hetznerIP, "IsNewForEntireAccount": false}),
		ind(detective.IndicatorNewASO, map[string]any{"Aso": "EvilHost Ltd", "IsNewForEntireAccount": true}),
		ind(detective.IndicatorNewASO, map[string]any{"Aso": "Hetzner Online GmbH", "IsNewForEntireAccount": false}),
		ind(detective.IndicatorNewUserAgent, map[string]any{"UserAgent": requestsAgent, "IsNewForEntireAccount": true}),
		ind(detective.IndicatorNewUserAgent, map[string]any{"UserAgent": boto3Agent, "IsNewForEntireAccount": false}),
		ind(detective.IndicatorRelatedFinding, map[string]any{
			"Arn": guardDutyARN("f1aa"), "Type": "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "IpAddress": attackerIP,
		}),
		ind(detective.IndicatorRelatedFindingGroup, map[string]any{"Id": groupID(Finding{ID: "f2bb"})}),
	}
	if diff := cmp.Diff(want, inds); diff != "" {
		t.Errorf("indicators (-want +got):\n%s", diff)
	}
	if sev != detective.SeverityCritical {
		t.Errorf("severity = %s, want CRITICAL", sev)
	}
	if w.reads != 1 {
		t.Errorf("calls read %d times, want once", w.reads)
	}

	// The explanation names what produced each indicator.
	wantWhy := []struct {
		calls, findings int
		severity        detective.Severity
	}{
		{1, 0, detective.SeverityHigh}, {1, 0, detective.SeverityHigh}, {2, 0, detective.SeverityHigh}, // TTPs
		{2, 0, detective.SeverityHigh},                                       // travel: the Seattle and the Moscow aggregate
		{0, 1, detective.SeverityMedium}, {5, 1, detective.SeverityCritical}, // flagged: from f1aa only; and called from
		{5, 0, detective.SeverityMedium}, {1, 0, detective.SeverityLow}, // locations
		{5, 0, detective.SeverityMedium}, {1, 0, detective.SeverityLow}, // ASOs
		{5, 0, detective.SeverityLow}, {1, 0, detective.SeverityLow}, // user agents
		{0, 1, detective.SeverityCritical}, // f1aa is HIGH
		{0, 2, detective.SeverityHigh},     // f2bb and f1aa
	}
	for i, ww := range wantWhy {
		got := expl.Indicators[i]
		if got.Type != inds[i].Type || len(got.Calls) != ww.calls || len(got.Findings) != ww.findings || got.Severity != ww.severity || got.Rule == "" {
			t.Errorf("reason %d = %s %s with %d calls, %d findings, rule %q; want %s with %d calls, %d findings",
				i, got.Type, got.Severity, len(got.Calls), len(got.Findings), got.Rule, ww.severity, ww.calls, ww.findings)
		}
	}
	if !expl.Trained || expl.ScopeAggregates != 7 || expl.BaselineAggregates != 40*4 || expl.Findings != 4 {
		t.Errorf("explanation = trained %v, %d scope and %d baseline aggregates, %d findings; want true, 7, 160, 4",
			expl.Trained, expl.ScopeAggregates, expl.BaselineAggregates, expl.Findings)
	}
}

func TestInvestigateQuietPrincipal(t *testing.T) {
	w := newWorld()
	normalUse(w)
	compromise(w)
	for _, entity := range []string{carol, "arn:aws:iam::111122223333:role/never-used"} {
		inds, sev, expl := mustInvestigate(t, newTestEngine(w, DefaultSettings()), entity)
		if len(inds) != 0 || sev != detective.SeverityInformational {
			t.Errorf("%s: %d indicators (%v), severity %s; want none, INFORMATIONAL", entity, len(inds), inds, sev)
		}
		if expl.Severity != "no indicators" {
			t.Errorf("%s: severity explained as %q", entity, expl.Severity)
		}
	}
}

// TestInvestigateTraining: nothing is new until the account has data
// older than Training before scope start; Training 0 turns that off.
func TestInvestigateTraining(t *testing.T) {
	newTypes := map[detective.IndicatorType]bool{
		detective.IndicatorNewGeolocation: true, detective.IndicatorNewASO: true, detective.IndicatorNewUserAgent: true,
	}
	for _, tc := range []struct {
		name      string
		dataStart time.Time
		training  time.Duration
		wantNew   bool
	}{
		{"exactly 14 days of data", scopeStart.Add(-14 * 24 * time.Hour), 14 * 24 * time.Hour, true},
		{"a second short of 14 days", scopeStart.Add(-14*24*time.Hour + time.Second), 14 * 24 * time.Hour, false},
		{"no data before scope", scopeStart.Add(8 * time.Hour), 14 * 24 * time.Hour, false},
		{"training off", scopeStart.Add(8 * time.Hour), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			if tc.dataStart.Before(scopeStart) {
				w.add(call(bob, "s3.amazonaws.com:GetObject", hetznerIP, frankfurt, boto3Agent, tc.dataStart, tc.dataStart, 1, 0))
			}
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", attackerIP, moscow, requestsAgent, at("09:00"), at("09:10"), 1, 0))
			s := DefaultSettings()
			s.Training = tc.training
			inds, _, expl := mustInvestigate(t, newTestEngine(w, s), alice)
			var got int
			for _, i := range inds {
				if newTypes[i.Type] {
					got++
				}
			}
			if want := map[bool]int{true: 3, false: 0}[tc.wantNew]; got != want || expl.Trained != tc.wantNew {
				t.Errorf("%d NEW_* indicators, trained %v; want %d, %v", got, expl.Trained, want, tc.wantNew)
			}
		})
	}
}

// TestInvestigateRole: a role's investigation covers every session it
// issued, and only those; a user's covers the federated users it issued.
func TestInvestigateRole(t *testing.T) {
	const (
		deployer = "arn:aws:iam::111122223333:role/deployer"
		ci1      = "arn:aws:sts::111122223333:assumed-role/deployer/ci-1234"
		ci2      = "arn:aws:sts::111122223333:assumed-role/deployer/ci-5678"
		builder  = "arn:aws:sts::111122223333:assumed-role/builder/ci-9999"
		console  = "arn:aws:sts::111122223333:federated-user/alice-console"
	)
	w := newWorld()
	w.issuer[ci1], w.issuer[ci2], w.issuer[builder], w.issuer[console] = deployer, deployer, "arn:aws:iam::111122223333:role/builder", alice
	w.add(
		call(ci1, "iam.amazonaws.com:CreateAccessKey", homeIP, seattle, cliAgent, at("09:00"), at("09:00"), 1, 0),
		call(ci2, "iam.amazonaws.com:CreateAccessKey", homeIP, seattle, cliAgent, at("11:00"), at("11:30"), 2, 1),
		call(builder, "iam.amazonaws.com:AttachUserPolicy", homeIP, seattle, cliAgent, at("09:00"), at("09:00"), 1, 0),
		call(console, "cloudtrail.amazonaws.com:StopLogging", homeIP, seattle, cliAgent, at("12:00"), at("12:00"), 1, 0),
		// a refused RunInstances maps only because it failed
		call(ci2, "ec2.amazonaws.com:RunInstances", homeIP, seattle, cliAgent, at("12:00"), at("12:00"), 0, 4),
	)
	w.findings = []Finding{{
		ID: "f5ee", ARN: guardDutyARN("f5ee"), Type: "CredentialAccess:IAMUser/AnomalousBehavior", Severity: "MEDIUM", Source: "guardduty",
		CreatedAt: at("11:00"), UpdatedAt: at("11:00"), Principals: []string{ci2},
	}, {
		// only Sessions tells that this federated user is alice's
		ID: "f6ff", ARN: guardDutyARN("f6ff"), Type: "Stealth:IAMUser/CloudTrailLoggingDisabled", Severity: "LOW", Source: "guardduty",
		CreatedAt: at("20:00"), UpdatedAt: at("20:00"), Principals: []string{console},
	}}
	s := DefaultSettings()
	s.Training = 0
	e := newTestEngine(w, s)

	inds, sev, expl := mustInvestigate(t, e, deployer)
	want := []detective.Indicator{
		ind(detective.IndicatorTTPObserved, map[string]any{
			"Tactic": "Persistence", "Technique": "T1098.001 Additional Cloud Credentials", "Procedure": "Created an access key for an IAM user",
			"IpAddress": homeIP, "APIName": "CreateAccessKey", "APISuccessCount": int64(3), "APIFailureCount": int64(1),
		}),
		ind(detective.IndicatorTTPObserved, map[string]any{
			"Tactic": "Impact", "Technique": "T1496.004 Cloud Service Hijacking", "Procedure": "Tried to start instances and was refused",
			"IpAddress": homeIP, "APIName": "RunInstances", "APISuccessCount": int64(0), "APIFailureCount": int64(4),
		}),
		ind(detective.IndicatorNewGeolocation, map[string]any{"Location": "Seattle, Washington, United States", "IpAddress": homeIP, "IsNewForEntireAccount": true}),
		ind(detective.IndicatorNewASO, map[string]any{"Aso": "Comcast Cable Communications, LLC", "IsNewForEntireAccount": true}),
		ind(detective.IndicatorNewUserAgent, map[string]any{"UserAgent": cliAgent, "IsNewForEntireAccount": true}),
		ind(detective.IndicatorRelatedFinding, map[string]any{"Arn": guardDutyARN("f5ee"), "Type": "CredentialAccess:IAMUser/AnomalousBehavior"}),
	}
	if diff := cmp.Diff(want, inds); diff != "" {
		t.Errorf("deployer's indicators (-want +got):\n%s", diff)
	}
	if sev != detective.SeverityHigh {
		t.Errorf("deployer's severity = %s, want HIGH (successful Persistence)", sev)
	}
	if diff := cmp.Diff([]string{deployer, ci1, ci2}, expl.Principals); diff != "" {
		t.Errorf("deployer's principals (-want +got):\n%s", diff)
	}

	inds, _, _ = mustInvestigate(t, e, alice)
	if len(inds) < 2 || inds[0].Type != detective.IndicatorTTPObserved || inds[0].Detail["APIName"] != "StopLogging" ||
		inds[len(inds)-1].Type != detective.IndicatorRelatedFinding || inds[len(inds)-1].Detail["Arn"] != guardDutyARN("f6ff") {
		t.Errorf("alice's indicators = %v, want StopLogging by her federated user first, the finding on it last", inds)
	}
}

func TestInvestigateRejectsNonPrincipal(t *testing.T) {
	for _, entity := range []string{"arn:aws:s3:::bucket", "arn:aws:iam::111122223333:group/admins", "not an arn", "arn:aws:iam::111122223333:user/"} {
		_, _, _, err := newTestEngine(newWorld(), DefaultSettings()).Investigate(context.Background(), investigation(entity))
		if detective.KindOf(err) != detective.KindValidation {
			t.Errorf("Investigate(%q) = %v, want a validation error", entity, err)
		}
	}
}

// TestInvestigateFlaggedMinScore: an IP listed below the minimum score is
// not flagged.
func TestInvestigateFlaggedMinScore(t *testing.T) {
	w := newWorld()
	w.add(call(alice, "s3.amazonaws.com:ListBuckets", attackerIP, nil, "", at("09:00"), at("09:00"), 1, 0))
	for _, tc := range []struct {
		min  int
		want int
	}{{4, 1}, {5, 1}, {6, 0}} {
		s := DefaultSettings()
		s.ThreatMinScore = tc.min
		inds, _, _ := mustInvestigate(t, New(w, testTTPs(), threatList{netip.MustParsePrefix("203.0.113.0/24"): 5}, s), alice)
		if len(inds) != tc.want {
			t.Errorf("min score %d: %d indicators, want %d", tc.min, len(inds), tc.want)
		}
	}
}

// TestInvestigateDeterministic: the evidence may come in any order; the
// indicators and their reasons do not change.
func TestInvestigateDeterministic(t *testing.T) {
	w := newWorld()
	normalUse(w)
	compromise(w)
	inds, sev, expl := mustInvestigate(t, newTestEngine(w, DefaultSettings()), alice)
	slices.Reverse(w.calls)
	slices.Reverse(w.findings)
	inds2, sev2, expl2 := mustInvestigate(t, newTestEngine(w, DefaultSettings()), alice)
	if diff := cmp.Diff(inds, inds2); diff != "" || sev != sev2 {
		t.Errorf("reversed evidence: severity %s → %s, indicators (-in order +reversed):\n%s", sev, sev2, diff)
	}
	if diff := cmp.Diff(expl, expl2); diff != "" {
		t.Errorf("reversed evidence: explanation (-in order +reversed):\n%s", diff)
	}
}
