package investigate

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

// TestNovelties: what counts as the same location, ASO and user agent,
// and what is never new.
func TestNovelties(t *testing.T) {
	base := mustTime("2026-02-20T10:00:00Z")
	scoped := mustTime("2026-03-01T10:00:00Z")
	seattleElsewhere := seattle.loc
	seattleElsewhere.Latitude, seattleElsewhere.Longitude = 47.7, -122.2
	comcastRenamed := ASO{Number: 7922, Organization: "COMCAST-7922"}
	unnumbered := ASO{Organization: "Some ISP"}
	c := func(at time.Time, ip string, loc *Location, aso *ASO, ua string) Call {
		return Call{Principal: alice, First: at, Last: at, EventSource: "s3.amazonaws.com", EventName: "ListBuckets", SourceIP: ip, UserAgent: ua, Location: loc, ASO: aso, Success: 1}
	}
	in := &input{
		trained:  true,
		baseline: newBaseline(),
		scoped: []Call{
			c(scoped, "198.51.100.11", &seattleElsewhere, &comcastRenamed, cliAgent), // same city, same AS number
			c(scoped, "10.1.2.3", &moscow.loc, &moscow.aso, ""),                      // private: never geolocated; no user agent
			c(scoped, "ec2.amazonaws.com", &moscow.loc, &moscow.aso, "ec2.amazonaws.com"),
			c(scoped.Add(time.Minute), "198.51.100.51", &frankfurt.loc, &ASO{Organization: "Some ISP"}, cliAgent),
		},
	}
	in.baseline.add(c(base, homeIP, &seattle.loc, &seattle.aso, cliAgent))
	in.baseline.add(c(base, "198.51.100.50", &frankfurt.loc, &unnumbered, cliAgent))
	in.novel = findNovelties(in)
	if got := in.novel.candidates(); len(got.Locations)+len(got.ASOs) != 0 || !cmp.Equal(got.UserAgents, []string{"ec2.amazonaws.com"}) {
		t.Errorf("candidates = %+v, want only the user agent ec2.amazonaws.com", got)
	}
	in.accountSeen = Profile{UserAgents: []string{"ec2.amazonaws.com", "other"}, Locations: []Location{moscow.loc}}
	got := detectNovelties(in)
	want := []detective.Indicator{{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{"UserAgent": "ec2.amazonaws.com", "IsNewForEntireAccount": false}}}
	if len(got) != 1 || !cmp.Equal(got[0].indicator, want[0]) {
		t.Errorf("indicators = %+v, want %v", got, want)
	}

	in.trained = false
	if got := detectNovelties(in); len(got) != 0 {
		t.Errorf("untrained: %d indicators, want none", len(got))
	}
}

func TestPrincipalKeys(t *testing.T) {
	for _, tc := range []struct {
		arn  string
		want []string
	}{
		{"arn:aws:iam::111122223333:user/alice", []string{"user:111122223333:alice"}},
		{"arn:aws:iam::111122223333:user/division/team/alice", []string{"user:111122223333:alice"}},
		{"arn:aws:iam::111122223333:role/ops/deployer", []string{"role:111122223333:deployer"}},
		{"arn:aws:sts::111122223333:assumed-role/deployer/ci-1", []string{"session:arn:aws:sts::111122223333:assumed-role/deployer/ci-1", "role:111122223333:deployer"}},
		{"arn:aws:sts::111122223333:federated-user/alice-console", []string{"principal:arn:aws:sts::111122223333:federated-user/alice-console"}},
		{"arn:aws:iam::111122223333:root", []string{"principal:arn:aws:iam::111122223333:root"}},
		{"AIDAEXAMPLE", []string{"principal:AIDAEXAMPLE"}},
	} {
		if got := principalKeys(tc.arn); !cmp.Equal(got, tc.want) {
			t.Errorf("principalKeys(%s) = %q, want %q", tc.arn, got, tc.want)
		}
	}
}

// TestInvolves: which findings are about the entity under investigation.
func TestInvolves(t *testing.T) {
	role, err := parseEntity("arn:aws:iam::111122223333:role/ops/deployer")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    Finding
		want bool
	}{
		{"the role", Finding{Principals: []string{"arn:aws:iam::111122223333:role/ops/deployer"}}, true},
		{"a session of the role", Finding{Principals: []string{"arn:aws:sts::111122223333:assumed-role/deployer/x"}}, true},
		{"GuardDuty's user name for the role", Finding{UserNames: []string{"deployer"}}, true},
		{"another role", Finding{Principals: []string{"arn:aws:sts::111122223333:assumed-role/builder/x"}}, false},
		{"the same name in another account", Finding{Principals: []string{"arn:aws:iam::444455556666:role/deployer"}}, false},
		{"only an IP", Finding{RemoteIPs: []string{attackerIP}}, false},
	} {
		if got := role.involves(tc.f); got != tc.want {
			t.Errorf("%s: involves = %v, want %v", tc.name, got, tc.want)
		}
	}
}
