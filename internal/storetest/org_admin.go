package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Organization IDs of the OrgAdmin fixtures. The store keeps no rule that
// the organization exists, so the cases need none created.
const (
	adminOrg      = "o-admin00001"
	otherAdminOrg = "o-admin00002"
)

func testOrgAdmin(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("PutGetReplace", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		first := orgAdminOf(adminOrg, region, acct(1), 1)
		mustPutOrgAdmins(t, s, first)
		checkOrgAdmin(t, "OrgAdmin", mustOrgAdmin(t, s, adminOrg, region), first)
		checkOrgAdmin(t, "OrgAdminByGraph", mustOrgAdminByGraph(t, s, first.Graph), first)

		// Every field is replaced: another account, its graph, a later
		// time, AutoEnable on.
		second := orgAdminOf(adminOrg, region, acct(2), 2)
		second.DelegationTime, second.AutoEnable = at(5_000), true
		mustPutOrgAdmins(t, s, second)
		checkOrgAdmin(t, "OrgAdmin after replace", mustOrgAdmin(t, s, adminOrg, region), second)
		checkOrgAdmin(t, "OrgAdminByGraph(new graph) after replace", mustOrgAdminByGraph(t, s, second.Graph), second)
		checkOrgAdmins(t, "OrgAdmins after replace", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{second})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.OrgAdminByGraph(ctx, first.Graph)
			wantKind(t, "OrgAdminByGraph(replaced graph)", err, detective.KindNotFound)
			return nil
		})

		// Putting the same designation again changes nothing.
		mustPutOrgAdmins(t, s, second)
		checkOrgAdmins(t, "OrgAdmins after repeating the put", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{second})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		check := func(when string) {
			t.Helper()
			mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
				_, err := tx.OrgAdmin(ctx, adminOrg, region)
				wantKind(t, "OrgAdmin(absent org) "+when, err, detective.KindNotFound)
				_, err = tx.OrgAdmin(ctx, otherAdminOrg, otherRegion)
				wantKind(t, "OrgAdmin(absent region) "+when, err, detective.KindNotFound)
				_, err = tx.OrgAdminByGraph(ctx, graphOf(acct(1), region, 1).ARN)
				wantKind(t, "OrgAdminByGraph(absent) "+when, err, detective.KindNotFound)
				return nil
			})
		}
		check("in an empty store")

		// A designation of another organization, and of this one in
		// another region, are no answer; nor is a graph that exists but
		// is not designated.
		mustCreateGraphs(t, s, graphOf(acct(1), region, 1))
		mustPutOrgAdmins(t, s, orgAdminOf(otherAdminOrg, region, acct(2), 2))
		check("with other designations")
		if got := mustOrgAdmins(t, s, adminOrg); len(got) != 0 {
			t.Errorf("OrgAdmins(absent org) = %+v, want none", got)
		}
	})

	t.Run("OrgAdminsByRegion", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// Put out of region order; OrgAdmins returns region order, which
		// is byte order ("ap-" < "eu-" < "us-").
		ap := orgAdminOf(adminOrg, "ap-southeast-2", acct(1), 1)
		eu := orgAdminOf(adminOrg, otherRegion, acct(1), 2)
		us := orgAdminOf(adminOrg, region, acct(1), 3)
		other := orgAdminOf(otherAdminOrg, region, acct(2), 4)
		mustPutOrgAdmins(t, s, us, other, ap, eu)
		checkOrgAdmins(t, "OrgAdmins", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{ap, eu, us})
		checkOrgAdmins(t, "OrgAdmins(other org)", mustOrgAdmins(t, s, otherAdminOrg), []detective.OrgAdmin{other})
		for _, a := range []detective.OrgAdmin{ap, eu, us, other} {
			checkOrgAdmin(t, "OrgAdmin("+a.Org+", "+a.Region+")", mustOrgAdmin(t, s, a.Org, a.Region), a)
			checkOrgAdmin(t, "OrgAdminByGraph("+a.Region+")", mustOrgAdminByGraph(t, s, a.Graph), a)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		doomed := orgAdminOf(adminOrg, region, acct(1), 1)
		keptRegion := orgAdminOf(adminOrg, otherRegion, acct(1), 2)
		keptOrg := orgAdminOf(otherAdminOrg, region, acct(2), 3)
		mustPutOrgAdmins(t, s, doomed, keptRegion, keptOrg)

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.DeleteOrgAdmin(ctx, adminOrg, region); err != nil {
				return fmt.Errorf("DeleteOrgAdmin: %w", err)
			}
			// Absent is not an error: deleted already, an absent region,
			// an absent organization.
			if err := tx.DeleteOrgAdmin(ctx, adminOrg, region); err != nil {
				return fmt.Errorf("DeleteOrgAdmin(deleted): %w", err)
			}
			if err := tx.DeleteOrgAdmin(ctx, adminOrg, "ap-southeast-2"); err != nil {
				return fmt.Errorf("DeleteOrgAdmin(absent region): %w", err)
			}
			return tx.DeleteOrgAdmin(ctx, "o-absent0000", region)
		})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.OrgAdmin(ctx, adminOrg, region)
			wantKind(t, "OrgAdmin(deleted)", err, detective.KindNotFound)
			_, err = tx.OrgAdminByGraph(ctx, doomed.Graph)
			wantKind(t, "OrgAdminByGraph(deleted)", err, detective.KindNotFound)
			return nil
		})
		checkOrgAdmins(t, "OrgAdmins after delete", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{keptRegion})
		checkOrgAdmins(t, "OrgAdmins(other org) after delete", mustOrgAdmins(t, s, otherAdminOrg), []detective.OrgAdmin{keptOrg})

		// The designation can be made again.
		mustPutOrgAdmins(t, s, doomed)
		checkOrgAdmin(t, "OrgAdmin after putting again", mustOrgAdmin(t, s, adminOrg, region), doomed)
	})

	t.Run("FieldsRoundTrip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// AutoEnable both ways, and DelegationTime with its milliseconds,
		// given in another zone: it comes back as the same instant in UTC.
		on := orgAdminOf(adminOrg, region, acct(1), 1)
		on.AutoEnable = true
		on.DelegationTime = at(123).In(time.FixedZone("UTC+5:30", 5*3600+30*60))
		off := orgAdminOf(adminOrg, otherRegion, acct(1), 2)
		off.AutoEnable, off.DelegationTime = false, at(-987_654_321)
		mustPutOrgAdmins(t, s, on, off)
		checkOrgAdmin(t, "OrgAdmin(AutoEnable on)", mustOrgAdmin(t, s, adminOrg, region), on)
		checkOrgAdmin(t, "OrgAdmin(AutoEnable off)", mustOrgAdmin(t, s, adminOrg, otherRegion), off)
		if got := mustOrgAdmin(t, s, adminOrg, region).DelegationTime; !got.Equal(at(123)) {
			t.Errorf("DelegationTime = %v, want %v", got, at(123))
		}

		// UpdateOrganizationConfiguration's put: AutoEnable flips, the
		// rest stays.
		on.AutoEnable, off.AutoEnable = false, true
		mustPutOrgAdmins(t, s, on, off)
		checkOrgAdmins(t, "OrgAdmins after flipping AutoEnable", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{off, on})
	})

	t.Run("SurvivesDeleteGraph", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(1), region, 1)
		mustCreateGraphs(t, s, g)
		mustPutMembers(t, s, memberOf(g, acct(2), detective.MemberStatusEnabled))
		a := orgAdminOf(adminOrg, region, acct(1), 1)
		a.Graph = g.ARN
		mustPutOrgAdmins(t, s, a)

		// The designation outlives its graph until
		// DisableOrganizationAdminAccount deletes it.
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.DeleteGraph(ctx, g.ARN) })
		checkOrgAdmin(t, "OrgAdmin after DeleteGraph", mustOrgAdmin(t, s, adminOrg, region), a)
		checkOrgAdmin(t, "OrgAdminByGraph after DeleteGraph", mustOrgAdminByGraph(t, s, g.ARN), a)

		// A graph created again under the ARN is still the designated one.
		mustCreateGraphs(t, s, g)
		checkOrgAdmin(t, "OrgAdminByGraph after recreating the graph", mustOrgAdminByGraph(t, s, g.ARN), a)
	})

	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		kept := orgAdminOf(adminOrg, region, acct(1), 1)
		doomed := orgAdminOf(adminOrg, otherRegion, acct(1), 2)
		mustPutOrgAdmins(t, s, kept, doomed)

		failure := errors.New("fn failed")
		err := s.Write(t.Context(), func(tx detective.Tx) error {
			changed := kept
			changed.Account, changed.AutoEnable, changed.DelegationTime = acct(9), true, at(9_000)
			if err := tx.PutOrgAdmin(t.Context(), changed); err != nil {
				return err
			}
			if err := tx.PutOrgAdmin(t.Context(), orgAdminOf(otherAdminOrg, region, acct(2), 3)); err != nil {
				return err
			}
			if err := tx.DeleteOrgAdmin(t.Context(), doomed.Org, doomed.Region); err != nil {
				return err
			}
			return failure
		})
		if !errors.Is(err, failure) {
			t.Fatalf("Write = %v, want %v", err, failure)
		}
		checkOrgAdmins(t, "OrgAdmins after a failed Write", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{doomed, kept})
		if got := mustOrgAdmins(t, s, otherAdminOrg); len(got) != 0 {
			t.Errorf("OrgAdmins(other org) after a failed Write = %+v, want none", got)
		}
	})

	t.Run("ReadOnly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := orgAdminOf(adminOrg, region, acct(1), 1)
		mustPutOrgAdmins(t, s, a)
		for name, w := range map[string]func(ctx context.Context, tx detective.Tx) error{
			"PutOrgAdmin": func(ctx context.Context, tx detective.Tx) error {
				return tx.PutOrgAdmin(ctx, orgAdminOf(adminOrg, otherRegion, acct(1), 2))
			},
			"DeleteOrgAdmin": func(ctx context.Context, tx detective.Tx) error {
				return tx.DeleteOrgAdmin(ctx, a.Org, a.Region)
			},
		} {
			var inner error
			_ = s.Read(t.Context(), func(tx detective.Tx) error {
				inner = w(t.Context(), tx)
				return nil
			})
			if inner == nil {
				t.Errorf("%s in Read succeeded, want an error", name)
			}
		}
		checkOrgAdmins(t, "OrgAdmins after writes in Read", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{a})
	})

	t.Run("DeleteAll", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		as := []detective.OrgAdmin{
			orgAdminOf(adminOrg, region, acct(1), 1),
			orgAdminOf(adminOrg, otherRegion, acct(1), 2),
			orgAdminOf(otherAdminOrg, region, acct(2), 3),
		}
		mustPutOrgAdmins(t, s, as...)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteAll(ctx) })
		for _, org := range []string{adminOrg, otherAdminOrg} {
			if got := mustOrgAdmins(t, s, org); len(got) != 0 {
				t.Errorf("OrgAdmins(%s) after DeleteAll = %+v, want none", org, got)
			}
		}
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.OrgAdmin(ctx, adminOrg, region)
			wantKind(t, "OrgAdmin after DeleteAll", err, detective.KindNotFound)
			_, err = tx.OrgAdminByGraph(ctx, as[0].Graph)
			wantKind(t, "OrgAdminByGraph after DeleteAll", err, detective.KindNotFound)
			return nil
		})
		// The same rows can be written again.
		mustPutOrgAdmins(t, s, as...)
		checkOrgAdmins(t, "OrgAdmins after putting again", mustOrgAdmins(t, s, adminOrg), []detective.OrgAdmin{as[1], as[0]})
	})
}

// orgAdminOf returns a designation of account as org's administrator in
// rgn, with account's n-th graph there, delegated at(n).
func orgAdminOf(org, rgn string, account detective.AccountID, n int) detective.OrgAdmin {
	return detective.OrgAdmin{
		Org:            org,
		Region:         rgn,
		Account:        account,
		Graph:          graphOf(account, rgn, n).ARN,
		DelegationTime: at(int64(n) * 1_000),
	}
}

// mustPutOrgAdmins stores as in one transaction.
func mustPutOrgAdmins(tb testing.TB, s detective.Store, as ...detective.OrgAdmin) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		for _, a := range as {
			if err := tx.PutOrgAdmin(ctx, a); err != nil {
				return fmt.Errorf("PutOrgAdmin(%s, %s): %w", a.Org, a.Region, err)
			}
		}
		return nil
	})
}

// mustOrgAdmin reads org's designation in rgn, failing tb on any error.
func mustOrgAdmin(tb testing.TB, s detective.Store, org, rgn string) detective.OrgAdmin {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (detective.OrgAdmin, error) {
		return tx.OrgAdmin(ctx, org, rgn)
	})
}

// mustOrgAdminByGraph reads the designation of graph, failing tb on any
// error.
func mustOrgAdminByGraph(tb testing.TB, s detective.Store, graph arn.ARN) detective.OrgAdmin {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (detective.OrgAdmin, error) {
		return tx.OrgAdminByGraph(ctx, graph)
	})
}

// mustOrgAdmins reads org's designations.
func mustOrgAdmins(tb testing.TB, s detective.Store, org string) []detective.OrgAdmin {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.OrgAdmin, error) {
		return tx.OrgAdmins(ctx, org)
	})
}

// checkOrgAdmin fails tb if got differs from want (DelegationTime compared
// as an instant) or got's DelegationTime is not in UTC.
func checkOrgAdmin(tb testing.TB, what string, got, want detective.OrgAdmin) {
	tb.Helper()
	checkOrgAdmins(tb, what, []detective.OrgAdmin{got}, []detective.OrgAdmin{want})
}

// checkOrgAdmins is checkOrgAdmin for lists; nil and empty are both
// "none".
func checkOrgAdmins(tb testing.TB, what string, got, want []detective.OrgAdmin) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
	for i, a := range got {
		checkUTC(tb, fmt.Sprintf("%s[%d] DelegationTime", what, i), a.DelegationTime)
	}
}
