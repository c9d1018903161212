// Package storetest is the behaviour every store must have: the contracts
// documented on detective.Store and detective.Tx, and on world.Store and
// world.Tx, checked the same way for every backend, so that the backends
// stay interchangeable.
//
// A backend's own test calls Run with a constructor of empty, migrated
// stores. The suite imports detective, world, arn, testing and go-cmp only,
// never a concrete store. When a case truly differs between dialects, branch here
// explicitly with a comment; never weaken an assertion to make both pass.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Store is what the suite exercises: Detective's store, and through World
// the multi-account world's, which every backend keeps in one database.
type Store interface {
	detective.Store
	World() world.Store
}

// Run exercises a Store. newStore returns an empty, migrated store private
// to t that is closed when t ends; every subtest makes its own, and they
// run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Graph", func(t *testing.T) { t.Parallel(); testGraph(t, newStore) })
	t.Run("Member", func(t *testing.T) { t.Parallel(); testMember(t, newStore) })
	t.Run("Membership", func(t *testing.T) { t.Parallel(); testMembership(t, newStore) })
	t.Run("MemberTotals", func(t *testing.T) { t.Parallel(); testMemberTotals(t, newStore) })
	t.Run("Tag", func(t *testing.T) { t.Parallel(); testTag(t, newStore) })
	t.Run("Account", func(t *testing.T) { t.Parallel(); testAccount(t, newStore) })
	t.Run("Datasource", func(t *testing.T) { t.Parallel(); testDatasource(t, newStore) })
	t.Run("Investigation", func(t *testing.T) { t.Parallel(); testInvestigation(t, newStore) })
	t.Run("InvestigationJob", func(t *testing.T) { t.Parallel(); testInvestigationJob(t, newStore) })
	t.Run("OrgAdmin", func(t *testing.T) { t.Parallel(); testOrgAdmin(t, newStore) })
	t.Run("AccountFacts", func(t *testing.T) { t.Parallel(); testAccountFacts(t, newStore) })
	t.Run("Organization", func(t *testing.T) { t.Parallel(); testOrganization(t, newStore) })
	t.Run("OrgRequest", func(t *testing.T) { t.Parallel(); testOrgRequest(t, newStore) })
	t.Run("OrgService", func(t *testing.T) { t.Parallel(); testOrgService(t, newStore) })
	t.Run("Session", func(t *testing.T) { t.Parallel(); testSession(t, newStore) })
	t.Run("OrgEvent", func(t *testing.T) { t.Parallel(); testOrgEvent(t, newStore) })
	t.Run("DeleteAllWorld", func(t *testing.T) { t.Parallel(); testDeleteAllWorld(t, newStore) })
	t.Run("Tx", func(t *testing.T) { t.Parallel(); testTx(t, newStore) })
	t.Run("Strings", func(t *testing.T) { t.Parallel(); testStrings(t, newStore) })
}

// Regions used by the fixtures; the suite needs two to check region scoping.
const (
	region      = "us-east-1"
	otherRegion = "eu-west-1"
)

// base is the fixtures' reference time. It has a millisecond part, which a
// store that keeps only seconds would lose.
var base = time.Date(2026, time.March, 14, 15, 9, 26, 535_000_000, time.UTC)

// at returns base shifted by ms milliseconds.
func at(ms int64) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }

// acct returns the n-th account ID: 12 digits, so that string order is
// numeric order.
func acct(n int) detective.AccountID {
	return detective.AccountID(fmt.Sprintf("%012d", 100000000000+n))
}

// graphOf returns the n-th graph administered by admin in rgn. The graph ID
// encodes n, so graph ARNs of one administrator sort by n.
func graphOf(admin detective.AccountID, rgn string, n int) detective.Graph {
	return detective.Graph{
		ARN:         arn.Graph(rgn, string(admin), fmt.Sprintf("%032x", n)),
		Admin:       admin,
		Region:      rgn,
		CreatedTime: at(int64(n)),
	}
}

// memberOf returns a record of account in g with every field set.
func memberOf(g detective.Graph, account detective.AccountID, status detective.MemberStatus) detective.Member {
	m := detective.Member{
		Graph:        g.ARN,
		Account:      account,
		Email:        "root+" + string(account) + "@example.com",
		Admin:        g.Admin,
		Type:         detective.InvitationTypeInvitation,
		Status:       status,
		InvitedTime:  at(1_001),
		UpdatedTime:  at(2_002),
		VerifiedTime: at(2_002),
	}
	if status == detective.MemberStatusAcceptedButDisabled {
		m.DisabledReason = detective.DisabledReasonVolumeTooHigh
	}
	return m
}

// mustWrite runs fn in s.Write and fails tb if it returns an error.
func mustWrite(tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.Write(ctx, func(tx detective.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("Write: %v", err)
	}
}

// mustRead runs fn in s.Read and fails tb if it returns an error.
func mustRead(tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.Read(ctx, func(tx detective.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("Read: %v", err)
	}
}

// mustWriteWorld runs fn in s.World().Write and fails tb if it returns an
// error.
func mustWriteWorld(tb testing.TB, s Store, fn func(ctx context.Context, tx world.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.World().Write(ctx, func(tx world.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("World().Write: %v", err)
	}
}

// mustReadWorld runs fn in s.World().Read and fails tb if it returns an
// error.
func mustReadWorld(tb testing.TB, s Store, fn func(ctx context.Context, tx world.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.World().Read(ctx, func(tx world.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("World().Read: %v", err)
	}
}

// mustReadWorldValue is mustReadValue on the world.
func mustReadWorldValue[T any](tb testing.TB, s Store, fn func(ctx context.Context, tx world.Tx) (T, error)) T {
	tb.Helper()
	var got T
	mustReadWorld(tb, s, func(ctx context.Context, tx world.Tx) error {
		var err error
		got, err = fn(ctx, tx)
		return err
	})
	return got
}

// mustReadValue runs fn in s.Read and returns its value, failing tb if it
// returns an error: the body of every mustX reader below.
func mustReadValue[T any](tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) (T, error)) T {
	tb.Helper()
	var got T
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		var err error
		got, err = fn(ctx, tx)
		return err
	})
	return got
}

// mustCreateGraphs creates gs in one transaction.
func mustCreateGraphs(tb testing.TB, s detective.Store, gs ...detective.Graph) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		for _, g := range gs {
			if err := tx.CreateGraph(ctx, g); err != nil {
				return fmt.Errorf("CreateGraph(%s): %w", g.ARN, err)
			}
		}
		return nil
	})
}

// mustPutMembers stores ms in one transaction.
func mustPutMembers(tb testing.TB, s detective.Store, ms ...detective.Member) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		return tx.PutMembers(ctx, ms)
	})
}

// mustGraph reads graph g, failing tb on any error.
func mustGraph(tb testing.TB, s detective.Store, g arn.ARN) detective.Graph {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (detective.Graph, error) {
		return tx.Graph(ctx, g)
	})
}

// mustMembers reads the members of g with the given accounts.
func mustMembers(tb testing.TB, s detective.Store, g arn.ARN, accounts ...detective.AccountID) []detective.Member {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.Member, error) {
		return tx.Members(ctx, g, accounts)
	})
}

// mustTags reads the tags of resource.
func mustTags(tb testing.TB, s detective.Store, resource arn.ARN) map[string]string {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (map[string]string, error) {
		return tx.Tags(ctx, resource)
	})
}

// wantKind fails tb unless err is of kind want.
func wantKind(tb testing.TB, what string, err error, want detective.Kind) {
	tb.Helper()
	if got := detective.KindOf(err); got != want || err == nil {
		tb.Errorf("%s: error = %v (kind %v), want kind %v", what, err, got, want)
	}
}

// checkGraphs fails tb if got differs from want, or if a time in got is not
// in UTC: the service formats times as it reads them, so a store must hand
// back the zone it was given.
func checkGraphs(tb testing.TB, what string, got, want []detective.Graph) {
	tb.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
	for _, g := range got {
		checkUTC(tb, what+" CreatedTime", g.CreatedTime)
	}
}

// checkMembers is checkGraphs for members.
func checkMembers(tb testing.TB, what string, got, want []detective.Member) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return // nil and empty are both "none"
	}
	// cmp.Diff is slow on a full graph's members, under -race especially;
	// it is only needed to explain a difference.
	if !slices.EqualFunc(want, got, sameMember) {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, cmp.Diff(want, got))
	}
	for _, m := range got {
		checkUTC(tb, what+" InvitedTime", m.InvitedTime)
		checkUTC(tb, what+" UpdatedTime", m.UpdatedTime)
		checkUTC(tb, what+" VerifiedTime", m.VerifiedTime)
		checkPackageZones(tb, what+" "+string(m.Account)+" Packages", m.Packages)
	}
}

// sameMember reports whether a and b are equal as cmp.Diff sees them:
// times are compared as instants, and nil Packages differ from empty ones
// (a store returns nil when a member has none).
func sameMember(a, b detective.Member) bool {
	return a.Graph == b.Graph && a.Account == b.Account && a.Email == b.Email && a.Admin == b.Admin &&
		a.Type == b.Type && a.Status == b.Status && a.DisabledReason == b.DisabledReason &&
		a.InvitedTime.Equal(b.InvitedTime) && a.UpdatedTime.Equal(b.UpdatedTime) && a.VerifiedTime.Equal(b.VerifiedTime) &&
		(a.Packages == nil) == (b.Packages == nil) && slices.EqualFunc(a.Packages, b.Packages, samePackage) &&
		a.Utilization == b.Utilization
}

// samePackage is sameMember for package states.
func samePackage(a, b detective.PackageState) bool {
	return a.Package == b.Package && a.State == b.State && a.Started.Equal(b.Started) && a.Stopped.Equal(b.Stopped) &&
		a.Disabled.Equal(b.Disabled) && a.VolumeBytes == b.VolumeBytes && a.VolumeTime.Equal(b.VolumeTime)
}

func checkUTC(tb testing.TB, what string, t time.Time) {
	tb.Helper()
	if t.Location() != time.UTC {
		tb.Errorf("%s = %v, want a time in UTC", what, t)
	}
}

// accounts returns the account IDs of ms, in order.
func accounts(ms []detective.Member) []detective.AccountID {
	ids := make([]detective.AccountID, len(ms))
	for i, m := range ms {
		ids[i] = m.Account
	}
	return ids
}
