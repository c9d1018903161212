package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// orgOf returns the n-th organization, managed by acct(100+n); IDs sort
// by n.
func orgOf(n int) world.Organization {
	return world.Organization{
		ID:          fmt.Sprintf("o-%010d", n),
		Management:  acct(100 + n),
		FeatureSet:  world.FeatureSetAll,
		RootID:      fmt.Sprintf("r-%04d", n),
		CreatedTime: at(int64(n)),
	}
}

func orgAccountOf(o world.Organization, account detective.AccountID) world.OrgAccount {
	return world.OrgAccount{Org: o.ID, Account: account, Name: "name-" + string(account),
		Method: world.JoinedCreated, JoinedTime: at(3_003), Status: world.OrgAccountActive}
}

func testOrganization(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CreateAndConflicts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o := orgOf(1)
		o.LastEventSeq = 7
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.CreateOrganization(ctx, o) })
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.Organization(ctx, o.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(o, got); diff != "" {
				t.Errorf("Organization mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.Organization(ctx, "o-nosuchorg00")
			wantKind(t, "Organization(unknown)", err, detective.KindNotFound)
			return nil
		})
		sameID, sameManager := orgOf(2), orgOf(3)
		sameID.ID, sameManager.Management = o.ID, o.Management
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			wantKind(t, "CreateOrganization(same ID)", tx.CreateOrganization(ctx, sameID), detective.KindConflict)
			wantKind(t, "CreateOrganization(same management account)", tx.CreateOrganization(ctx, sameManager), detective.KindConflict)
			// The transaction stays usable after a conflict, on both stores.
			return tx.CreateOrganization(ctx, orgOf(4))
		})
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.LockOrganization(ctx, o.ID)
			if err != nil {
				return err
			}
			got.LastEventSeq++
			got.FeatureSet = world.FeatureSetConsolidatedBilling
			if err := tx.UpdateOrganization(ctx, got); err != nil {
				return err
			}
			_, err = tx.LockOrganization(ctx, "o-nosuchorg00")
			wantKind(t, "LockOrganization(unknown)", err, detective.KindNotFound)
			wantKind(t, "UpdateOrganization(unknown)", tx.UpdateOrganization(ctx, orgOf(9)), detective.KindNotFound)
			return nil
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.Organization(ctx, o.ID)
			if err != nil {
				return err
			}
			if got.LastEventSeq != 8 || got.FeatureSet != world.FeatureSetConsolidatedBilling {
				t.Errorf("Organization after UpdateOrganization = %+v, want LastEventSeq 8, CONSOLIDATED_BILLING", got)
			}
			return nil
		})
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var want []world.Organization
		for i := 1; i <= 5; i++ {
			o := orgOf(i)
			want = append(want, o)
			mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.CreateOrganization(ctx, o) })
		}
		var got []world.Organization
		after := ""
		for page := 0; page < 10; page++ {
			os := mustReadWorldValue(t, s, func(ctx context.Context, tx world.Tx) ([]world.Organization, error) {
				return tx.ListOrganizations(ctx, after, 2)
			})
			if len(os) == 0 {
				break
			}
			got = append(got, os...)
			after = os[len(os)-1].ID
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListOrganizations pages mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Accounts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o, other := orgOf(1), orgOf(2)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			return tx.CreateOrganization(ctx, other)
		})
		var want []world.OrgAccount
		for i := 4; i >= 1; i-- {
			a := orgAccountOf(o, acct(i))
			want = append([]world.OrgAccount{a}, want...)
			mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.PutOrgAccount(ctx, a) })
		}
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			err := tx.PutOrgAccount(ctx, orgAccountOf(other, acct(1)))
			wantKind(t, "PutOrgAccount(member of another organization)", err, detective.KindConflict)
			renamed := want[0]
			renamed.Name, renamed.Status = "renamed", world.OrgAccountSuspended
			want[0] = renamed
			return tx.PutOrgAccount(ctx, renamed) // replacing within the organization is fine
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.OrgAccount(ctx, acct(1))
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want[0], got); diff != "" {
				t.Errorf("OrgAccount mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.OrgAccount(ctx, acct(99))
			wantKind(t, "OrgAccount(not a member)", err, detective.KindNotFound)
			page1, err := tx.ListOrgAccounts(ctx, o.ID, "", 3)
			if err != nil {
				return err
			}
			page2, err := tx.ListOrgAccounts(ctx, o.ID, page1[len(page1)-1].Account, 3)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(want, append(page1, page2...)); diff != "" {
				t.Errorf("ListOrgAccounts pages mismatch (-want +got):\n%s", diff)
			}
			none, err := tx.ListOrgAccounts(ctx, other.ID, "", 0)
			if err != nil {
				return err
			}
			if len(none) != 0 {
				t.Errorf("ListOrgAccounts(other) = %v, want none", none)
			}
			return nil
		})
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.PutDelegatedAdmin(ctx, world.DelegatedAdmin{Org: o.ID, Account: acct(2),
				ServicePrincipal: "detective.amazonaws.com", RegisteredTime: at(5)}); err != nil {
				return err
			}
			if err := tx.PutOrgTags(ctx, o.ID, string(acct(2)), []world.OrgTag{{Key: "k", Value: "v"}}); err != nil {
				return err
			}
			wantKind(t, "DeleteOrgAccount(wrong organization)", tx.DeleteOrgAccount(ctx, other.ID, acct(2)), detective.KindNotFound)
			return tx.DeleteOrgAccount(ctx, o.ID, acct(2))
		})
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			_, err := tx.OrgAccount(ctx, acct(2))
			wantKind(t, "OrgAccount after DeleteOrgAccount", err, detective.KindNotFound)
			das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID})
			if err != nil {
				return err
			}
			tags, err := tx.OrgTags(ctx, o.ID, string(acct(2)))
			if err != nil {
				return err
			}
			if len(das) != 0 || len(tags) != 0 {
				t.Errorf("after DeleteOrgAccount: delegated admins %v, tags %v; want none", das, tags)
			}
			// The account may join another organization now.
			return tx.PutOrgAccount(ctx, orgAccountOf(other, acct(2)))
		})
	})

	t.Run("DeleteCascades", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o, keep := orgOf(1), orgOf(2)
		populateOrganization(t, s, o, acct(1))
		populateOrganization(t, s, keep, acct(2))
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteOrganization(ctx, o.ID) })
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			wantKind(t, "DeleteOrganization again", tx.DeleteOrganization(ctx, o.ID), detective.KindNotFound)
			return nil
		})
		checkOrganizationGone(t, s, o, acct(1))
		checkOrganizationKept(t, s, keep, acct(2))
		// The event log outlives the organization.
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			es, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{Org: o.ID})
			if err != nil {
				return err
			}
			if len(es) != 1 {
				t.Errorf("events of the deleted organization = %v, want the one appended", es)
			}
			return nil
		})
	})
}

// testDeleteAllWorld checks that the operator reset empties the world's
// tables too, the event log and sessions included.
func testDeleteAllWorld(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	o := orgOf(1)
	populateOrganization(t, s, o, acct(1))
	mustPutAccounts(t, s, world.Account{ID: acct(1), RootEmail: "a@example.com"})
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
		return tx.CreateSession(ctx, world.Session{AccessKeyID: "ASIADELETEALL0000000", Account: acct(1),
			CreatedTime: at(0), Expiration: at(1_000)})
	})
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteAll(ctx) })
	checkOrganizationGone(t, s, o, acct(1))
	mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
		es, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{})
		if err != nil {
			return err
		}
		as, err := tx.ListAccounts(ctx, "", 0)
		if err != nil {
			return err
		}
		_, err = tx.Session(ctx, "ASIADELETEALL0000000")
		if len(es) != 0 || len(as) != 0 || detective.KindOf(err) != detective.KindNotFound {
			t.Errorf("after DeleteAll: events %v, accounts %v, session error %v; want none", es, as, err)
		}
		return nil
	})
}

// populateOrganization creates o with member in it, and one of every
// record that belongs to an organization.
func populateOrganization(tb testing.TB, s Store, o world.Organization, member detective.AccountID) {
	tb.Helper()
	mustWriteWorld(tb, s, func(ctx context.Context, tx world.Tx) error {
		if err := tx.CreateOrganization(ctx, o); err != nil {
			return err
		}
		if err := tx.PutOrgAccount(ctx, orgAccountOf(o, member)); err != nil {
			return err
		}
		if err := tx.PutHandshake(ctx, handshakeOf(o, "h-"+o.ID[2:], acct(900))); err != nil {
			return err
		}
		if err := tx.PutCreateAccountStatus(ctx, createAccountOf(o, "car-"+o.ID[2:])); err != nil {
			return err
		}
		if err := tx.PutServiceAccess(ctx, world.ServiceAccess{Org: o.ID, ServicePrincipal: "detective.amazonaws.com", EnabledTime: at(1)}); err != nil {
			return err
		}
		if err := tx.PutDelegatedAdmin(ctx, world.DelegatedAdmin{Org: o.ID, Account: member, ServicePrincipal: "detective.amazonaws.com", RegisteredTime: at(2)}); err != nil {
			return err
		}
		if err := tx.PutOrgTags(ctx, o.ID, o.RootID, []world.OrgTag{{Key: "k", Value: "v"}}); err != nil {
			return err
		}
		return tx.AppendOrgEvent(ctx, orgEventOf(o, 1, at(1)))
	})
}

// countOrganization counts o's records of each kind.
func countOrganization(tb testing.TB, s Store, o world.Organization, member detective.AccountID) map[string]int {
	tb.Helper()
	n := map[string]int{}
	mustReadWorld(tb, s, func(ctx context.Context, tx world.Tx) error {
		count := func(what string, err error, found bool) error {
			if err != nil && detective.KindOf(err) != detective.KindNotFound {
				return fmt.Errorf("%s: %w", what, err)
			}
			if err == nil && found {
				n[what]++
			}
			return nil
		}
		_, err := tx.Organization(ctx, o.ID)
		if err := count("organization", err, true); err != nil {
			return err
		}
		_, err = tx.OrgAccount(ctx, member)
		if err := count("account", err, true); err != nil {
			return err
		}
		_, err = tx.Handshake(ctx, "h-"+o.ID[2:])
		if err := count("handshake", err, true); err != nil {
			return err
		}
		_, err = tx.CreateAccountStatus(ctx, "car-"+o.ID[2:])
		if err := count("create account status", err, true); err != nil {
			return err
		}
		sa, err := tx.ListServiceAccess(ctx, o.ID, "", 0)
		n["service access"] = len(sa)
		if err != nil {
			return err
		}
		das, err := tx.ListDelegatedAdmins(ctx, world.ListDelegatedAdminsParams{Org: o.ID})
		n["delegated admin"] = len(das)
		if err != nil {
			return err
		}
		tags, err := tx.OrgTags(ctx, o.ID, o.RootID)
		n["tag"] = len(tags)
		return err
	})
	return n
}

func checkOrganizationGone(tb testing.TB, s Store, o world.Organization, member detective.AccountID) {
	tb.Helper()
	for what, n := range countOrganization(tb, s, o, member) {
		if n != 0 {
			tb.Errorf("after DeleteOrganization(%s): %d %s records remain, want none", o.ID, n, what)
		}
	}
}

func checkOrganizationKept(tb testing.TB, s Store, o world.Organization, member detective.AccountID) {
	tb.Helper()
	got := countOrganization(tb, s, o, member)
	for _, what := range []string{"organization", "account", "handshake", "create account status", "service access", "delegated admin", "tag"} {
		if got[what] != 1 {
			tb.Errorf("organization %s has %d %s records, want 1: another organization's deletion touched it", o.ID, got[what], what)
		}
	}
}

func handshakeOf(o world.Organization, id string, target detective.AccountID) world.Handshake {
	return world.Handshake{ID: id, Org: o.ID, Management: o.Management, FeatureSet: o.FeatureSet,
		TargetType: world.PartyAccount, Target: string(target), Notes: "join us", State: world.HandshakeOpen,
		RequestedTime: at(10), ExpirationTime: at(10).Add(15 * 24 * time.Hour)}
}

func createAccountOf(o world.Organization, id string) world.CreateAccountStatus {
	return world.CreateAccountStatus{ID: id, Org: o.ID, AccountName: "new", Email: "new@example.com",
		State: world.CreateAccountInProgress, RequestedTime: at(20)}
}

func orgEventOf(o world.Organization, seq int64, when time.Time) world.OrgEvent {
	return world.OrgEvent{Org: o.ID, Seq: seq, ID: fmt.Sprintf("%s-%d", o.ID, seq), Type: world.OrgEventAccountJoined,
		Management: o.Management, Account: acct(int(seq)), Method: world.JoinedInvited, Time: when}
}
