package investigate

import (
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
)

func TestRate(t *testing.T) {
	r := func(typ detective.IndicatorType, set func(*result)) result {
		res := result{indicator: detective.Indicator{Type: typ}}
		if set != nil {
			set(&res)
		}
		return res
	}
	succeeded := func(r *result) { r.succeeded = true }
	tactic := func(name string, ok bool) func(*result) {
		return func(r *result) { r.tactic, r.succeeded = name, ok }
	}
	finding := func(s detective.Severity) func(*result) { return func(r *result) { r.findingSeverity = s } }
	newForAccount := func(r *result) { r.newForAccount = true }

	for _, tc := range []struct {
		name string
		r    result
		want detective.Severity
	}{
		{"flagged IP with a successful call", r(detective.IndicatorFlaggedIPAddress, succeeded), detective.SeverityCritical},
		{"flagged IP, failed calls or findings only", r(detective.IndicatorFlaggedIPAddress, nil), detective.SeverityMedium},
		{"CRITICAL related finding", r(detective.IndicatorRelatedFinding, finding(detective.SeverityCritical)), detective.SeverityCritical},
		{"HIGH related finding", r(detective.IndicatorRelatedFinding, finding(detective.SeverityHigh)), detective.SeverityCritical},
		{"MEDIUM related finding", r(detective.IndicatorRelatedFinding, finding(detective.SeverityMedium)), detective.SeverityMedium},
		{"LOW related finding", r(detective.IndicatorRelatedFinding, finding(detective.SeverityLow)), detective.SeverityLow},
		{"INFORMATIONAL related finding", r(detective.IndicatorRelatedFinding, finding(detective.SeverityInformational)), detective.SeverityLow},
		{"impossible travel", r(detective.IndicatorImpossibleTravel, nil), detective.SeverityHigh},
		{"related finding group", r(detective.IndicatorRelatedFindingGroup, nil), detective.SeverityHigh},
		{"successful Credential Access", r(detective.IndicatorTTPObserved, tactic("Credential Access", true)), detective.SeverityHigh},
		{"successful Privilege Escalation", r(detective.IndicatorTTPObserved, tactic("Privilege Escalation", true)), detective.SeverityHigh},
		{"successful Persistence", r(detective.IndicatorTTPObserved, tactic("Persistence", true)), detective.SeverityHigh},
		{"successful Defense Evasion", r(detective.IndicatorTTPObserved, tactic("Defense Evasion", true)), detective.SeverityHigh},
		{"successful Exfiltration", r(detective.IndicatorTTPObserved, tactic("Exfiltration", true)), detective.SeverityHigh},
		{"successful Impact", r(detective.IndicatorTTPObserved, tactic("Impact", true)), detective.SeverityHigh},
		{"successful Discovery", r(detective.IndicatorTTPObserved, tactic("Discovery", true)), detective.SeverityMedium},
		{"failed Persistence only", r(detective.IndicatorTTPObserved, tactic("Persistence", false)), detective.SeverityLow},
		{"location new for the account", r(detective.IndicatorNewGeolocation, newForAccount), detective.SeverityMedium},
		{"location new for the principal only", r(detective.IndicatorNewGeolocation, nil), detective.SeverityLow},
		{"ASO new for the account", r(detective.IndicatorNewASO, newForAccount), detective.SeverityMedium},
		{"ASO new for the principal only", r(detective.IndicatorNewASO, nil), detective.SeverityLow},
		{"user agent new for the account", r(detective.IndicatorNewUserAgent, newForAccount), detective.SeverityLow},
		{"user agent new for the principal only", r(detective.IndicatorNewUserAgent, nil), detective.SeverityLow},
	} {
		if got := rate(tc.r, DefaultSettings()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestInvestigateSeverity: the investigation's severity is its most
// severe indicator's, end to end.
func TestInvestigateSeverity(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  func(w *world)
		want detective.Severity
	}{
		{"nothing new", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", homeIP, seattle, cliAgent, at("16:05"), at("16:25"), 1, 0))
		}, detective.SeverityInformational},
		{"a new user agent", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", homeIP, seattle, "aws-cli/2.16.0", at("16:05"), at("16:25"), 1, 0))
		}, detective.SeverityLow},
		{"bob's Frankfurt host: new to alice, not to the account", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", hetznerIP, frankfurt, boto3Agent, at("16:05"), at("16:25"), 1, 0))
		}, detective.SeverityLow},
		{"a failed escalation", func(w *world) {
			w.add(call(alice, "iam.amazonaws.com:AttachUserPolicy", homeIP, seattle, cliAgent, at("16:05"), at("16:05"), 0, 1))
		}, detective.SeverityLow},
		{"a place no one in the account has been", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", "203.0.113.9", moscow, cliAgent, at("02:00"), at("02:00"), 1, 0))
		}, detective.SeverityMedium},
		{"a listed IP refused", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", attackerIP, seattle, cliAgent, at("16:05"), at("16:05"), 0, 3))
		}, detective.SeverityMedium},
		{"impossible travel", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", hetznerIP, frankfurt, cliAgent, at("16:05"), at("16:05"), 1, 0),
				call(alice, "s3.amazonaws.com:ListBuckets", homeIP, seattle, cliAgent, at("16:35"), at("16:35"), 1, 0))
		}, detective.SeverityHigh},
		{"a successful escalation", func(w *world) {
			w.add(call(alice, "iam.amazonaws.com:AttachUserPolicy", homeIP, seattle, cliAgent, at("16:05"), at("16:05"), 1, 0))
		}, detective.SeverityHigh},
		{"a listed IP's call succeeded", func(w *world) {
			w.add(call(alice, "s3.amazonaws.com:ListBuckets", attackerIP, seattle, cliAgent, at("16:05"), at("16:05"), 1, 3))
		}, detective.SeverityCritical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			normalUse(w)
			tc.add(w)
			inds, sev, expl := mustInvestigate(t, newTestEngine(w, DefaultSettings()), alice)
			if sev != tc.want {
				t.Errorf("severity = %s (%s), want %s; indicators %v", sev, expl.Severity, tc.want, inds)
			}
		})
	}
}
