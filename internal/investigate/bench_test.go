package investigate

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// indexedWorld answers Evidence from aggregates indexed by principal and
// time, as a store's indexed range reads do, so that a benchmark measures
// the engine and not the fake.
type indexedWorld struct {
	byPrincipal map[string][]Call // ordered by First
	sessions    map[string][]string
	seen        Profile
	oldest      time.Time
	findings    []Finding
}

func (w *indexedWorld) Sessions(_ context.Context, _ arn.ARN, entity string, _, _ time.Time) ([]string, error) {
	return w.sessions[entity], nil
}

func (w *indexedWorld) Calls(_ context.Context, _ arn.ARN, entity string, from, to time.Time, each func(Call)) error {
	calls := w.byPrincipal[entity]
	i, _ := slices.BinarySearchFunc(calls, from.Add(-time.Hour), func(c Call, t time.Time) int { return c.First.Compare(t) })
	j, _ := slices.BinarySearchFunc(calls, to, func(c Call, t time.Time) int { return c.First.Compare(t) })
	for _, c := range calls[i:j] {
		each(c)
	}
	return nil
}

func (w *indexedWorld) AccountSeen(context.Context, arn.ARN, string, time.Time, time.Time, Profile) (Profile, error) {
	return w.seen, nil
}

func (w *indexedWorld) DataSince(context.Context, arn.ARN, string) (time.Time, bool, error) {
	return w.oldest, true, nil
}

func (w *indexedWorld) Findings(context.Context, arn.ARN, string, time.Time, time.Time) ([]Finding, error) {
	return w.findings, nil
}

// syntheticAccount builds the hourly aggregates of records CloudTrail
// records spread over principals for the 45-day baseline and a one-day
// scope: each principal-hour holds tuples distinct (API, IP, user agent)
// aggregates sharing its records. The last principal, investigated, is
// compromised in scope; the account has 1,000 findings.
func syntheticAccount(records, principals, tuples int) (*indexedWorld, int) {
	const hours = 46 * 24
	start := scopeStart.Add(-45 * 24 * time.Hour)
	perTuple := int64(records / (principals * hours * tuples))
	places := []*place{seattle, frankfurt}
	w := &indexedWorld{byPrincipal: map[string][]Call{}, sessions: map[string][]string{}, oldest: start}
	for p := range principals {
		principal := fmt.Sprintf("arn:aws:iam::111122223333:user/u%03d", p)
		calls := make([]Call, 0, hours*tuples)
		for h := range hours {
			hour := start.Add(time.Duration(h) * time.Hour)
			for k := range tuples {
				pl := places[k%len(places)]
				calls = append(calls, Call{
					Principal: principal, Hour: hour, First: hour.Add(time.Duration(k%60) * time.Second), Last: hour.Add(59 * time.Minute),
					EventSource: "ec2.amazonaws.com", EventName: fmt.Sprintf("Describe%d", k%50),
					SourceIP: fmt.Sprintf("198.51.100.%d", k%7), UserAgent: fmt.Sprintf("aws-sdk-go-v2/1.%d", k%3),
					Success: perTuple, Location: &pl.loc, ASO: &pl.aso,
				})
			}
		}
		w.byPrincipal[principal] = calls
	}
	entity := fmt.Sprintf("arn:aws:iam::111122223333:user/u%03d", principals-1)
	attack := []Call{
		call(entity, "iam.amazonaws.com:CreateAccessKey", attackerIP, moscow, requestsAgent, at("09:30"), at("09:41"), 2, 0),
		call(entity, "cloudtrail.amazonaws.com:StopLogging", attackerIP, moscow, requestsAgent, at("09:45"), at("09:45"), 1, 1),
	}
	calls := append(w.byPrincipal[entity], attack...)
	slices.SortFunc(calls, func(a, b Call) int { return a.First.Compare(b.First) })
	w.byPrincipal[entity] = calls
	for i := range 1000 {
		f := gd(fmt.Sprintf("f%04d", i), -time.Duration(i)*time.Hour, time.Hour, float64(1+i%9), ip(fmt.Sprintf("203.0.113.%d", i%40)))
		if i%100 == 0 {
			f.UserNames = []string{fmt.Sprintf("u%03d", principals-1)}
		}
		w.findings = append(w.findings, f)
	}
	return w, len(calls)
}

// BenchmarkInvestigate investigates one user of an account holding 10
// million CloudTrail records, with the aggregates already read (the reads
// themselves are the store's to measure): "spread" is 50 principals with
// 40 distinct (API, IP, user agent) tuples an hour each; "hot" is one
// principal making all 10 million calls, 300 tuples an hour.
func BenchmarkInvestigate(b *testing.B) {
	for _, tc := range []struct {
		name                      string
		principals, tuplesPerHour int
	}{
		{"spread", 50, 40},
		{"hot", 1, 300},
	} {
		b.Run(tc.name, func(b *testing.B) {
			w, aggregates := syntheticAccount(10_000_000, tc.principals, tc.tuplesPerHour)
			entity := fmt.Sprintf("arn:aws:iam::111122223333:user/u%03d", tc.principals-1)
			e := New(w, testTTPs(), testThreats(), DefaultSettings())
			inv := detective.Investigation{Graph: testGraph(), EntityARN: entity, ScopeStart: scopeStart, ScopeEnd: scopeEnd}
			b.ReportAllocs()
			for b.Loop() {
				inds, _, _, err := e.Investigate(context.Background(), inv)
				if err != nil || len(inds) == 0 {
					b.Fatalf("Investigate: %d indicators, %v", len(inds), err)
				}
			}
			b.ReportMetric(float64(aggregates), "aggregates")
		})
	}
}
