package evidence

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
)

func TestTTPsMatch(t *testing.T) {
	extra := "eventSource\teventName\tcondition\ttactic\ttechnique\tprocedure\tsource\n" +
		"sts.amazonaws.com\tGetCallerIdentity\tuserAgent contains TruffleHog\tDiscovery\tT1087.004 Cloud Account\tChecked stolen keys\ttest\n"
	table, err := ttp.Load(strings.NewReader(extra))
	if err != nil {
		t.Fatalf("ttp.Load: %v", err)
	}
	tactics := func(ts []investigate.TTP) []string {
		var out []string
		for _, x := range ts {
			out = append(out, x.Tactic)
		}
		return out
	}
	createKeyForOther := ttp.Mapping{EventSource: "iam.amazonaws.com", EventName: "CreateAccessKey", Condition: "requestParameters.userName=present"}.ID()
	tests := []struct {
		name string
		call investigate.Call
		want []string
	}{
		{"unconditioned row", investigate.Call{EventSource: "cloudtrail.amazonaws.com", EventName: "StopLogging"}, []string{"Defense Evasion"}},
		{"ordinary call", investigate.Call{EventSource: "ec2.amazonaws.com", EventName: "DescribeInstances"}, nil},
		{"user-agent row met", investigate.Call{EventSource: "sts.amazonaws.com", EventName: "GetCallerIdentity", UserAgent: "TruffleHog/3"}, []string{"Discovery"}},
		{"user-agent row not met", investigate.Call{EventSource: "sts.amazonaws.com", EventName: "GetCallerIdentity", UserAgent: "aws-cli/2"}, nil},
		// Parameters are not in the aggregate: neither row of
		// CreateAccessKey can be decided, so neither matches…
		{"parameter rows undecided", investigate.Call{EventSource: "iam.amazonaws.com", EventName: "CreateAccessKey"}, nil},
		// …unless the aggregate names the row its calls met.
		{"parameter row named", investigate.Call{EventSource: "iam.amazonaws.com", EventName: "CreateAccessKey", Mapping: createKeyForOther}, []string{"Privilege Escalation"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tactics(TTPs{Table: table}.Match(tc.call)); !cmp.Equal(got, tc.want) {
				t.Errorf("Match(%s %s %q) = %q, want %q", tc.call.EventSource, tc.call.EventName, tc.call.UserAgent, got, tc.want)
			}
		})
	}
}

func TestThreatsWithFindings(t *testing.T) {
	lists, err := threatintel.Load(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	lists.Add(netip.MustParseAddr("198.51.100.7"), "manual")
	th := Threats{Lists: lists}.WithFindings([]investigate.Finding{{ID: "f1", RemoteIPs: []string{"192.0.2.1", "not an address"}}}, 3)
	tests := []struct {
		ip   string
		want investigate.Threat
		ok   bool
	}{
		{"192.0.2.1", investigate.Threat{Score: 3, List: "finding f1"}, true},
		{"::ffff:192.0.2.1", investigate.Threat{Score: 3, List: "finding f1"}, true},
		{"198.51.100.7", investigate.Threat{Score: 1, List: "manual"}, true},
		{"203.0.113.9", investigate.Threat{}, false},
	}
	for _, tc := range tests {
		got, ok := th.Lookup(netip.MustParseAddr(tc.ip))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v, %v", tc.ip, got, ok, tc.want, tc.ok)
		}
	}
}
