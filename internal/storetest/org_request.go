package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testOrgRequest(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Handshakes", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o, other := orgOf(1), orgOf(2)
		byID := handshakeOf(o, "h-0001", acct(1))
		byEmail := handshakeOf(o, "h-0002", "")
		byEmail.TargetType, byEmail.Target = world.PartyEmail, "Invitee@Example.com"
		fromOther := handshakeOf(other, "h-0003", acct(1))
		forSomeoneElse := handshakeOf(o, "h-0004", acct(2))
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			for _, org := range []world.Organization{o, other} {
				if err := tx.CreateOrganization(ctx, org); err != nil {
					return err
				}
			}
			for _, h := range []world.Handshake{byID, byEmail, fromOther, forSomeoneElse} {
				if err := tx.PutHandshake(ctx, h); err != nil {
					return err
				}
			}
			byID.State, byID.Account = world.HandshakeAccepted, acct(1)
			return tx.PutHandshake(ctx, byID)
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.Handshake(ctx, byID.ID)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(byID, got); diff != "" {
				t.Errorf("Handshake after replacing mismatch (-want +got):\n%s", diff)
			}
			_, err = tx.Handshake(ctx, "h-nosuch00")
			wantKind(t, "Handshake(unknown)", err, detective.KindNotFound)

			for _, tc := range []struct {
				name string
				p    world.ListHandshakesParams
				want []world.Handshake
			}{
				{"org", world.ListHandshakesParams{Org: o.ID}, []world.Handshake{byID, byEmail, forSomeoneElse}},
				{"org page", world.ListHandshakesParams{Org: o.ID, After: byID.ID, Limit: 1}, []world.Handshake{byEmail}},
				{"account", world.ListHandshakesParams{Account: acct(1)}, []world.Handshake{byID, fromOther}},
				{"account and e-mail", world.ListHandshakesParams{Account: acct(1), Email: "INVITEE@example.com"},
					[]world.Handshake{byID, byEmail, fromOther}},
				{"e-mail only matches e-mail targets", world.ListHandshakesParams{Account: acct(3), Email: string(acct(1))}, nil},
			} {
				got, err := tx.ListHandshakes(ctx, tc.p)
				if err != nil {
					return err
				}
				if len(got) != 0 || len(tc.want) != 0 {
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("ListHandshakes(%s) mismatch (-want +got):\n%s", tc.name, diff)
					}
				}
			}
			return nil
		})
	})

	t.Run("CreateAccountStatuses", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o := orgOf(1)
		pending := createAccountOf(o, "car-00000001")
		done := createAccountOf(o, "car-00000002")
		done.State, done.Account, done.CompletedTime = world.CreateAccountSucceeded, acct(5), at(30)
		failed := createAccountOf(o, "car-00000003")
		failed.State, failed.FailureReason, failed.CompletedTime = world.CreateAccountFailed, "EMAIL_ALREADY_EXISTS", at(31)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			for _, c := range []world.CreateAccountStatus{failed, done, pending} {
				if err := tx.PutCreateAccountStatus(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			for _, want := range []world.CreateAccountStatus{pending, done, failed} {
				got, err := tx.CreateAccountStatus(ctx, want.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("CreateAccountStatus(%s) mismatch (-want +got):\n%s", want.ID, diff)
				}
			}
			_, err := tx.CreateAccountStatus(ctx, "car-nosuch00")
			wantKind(t, "CreateAccountStatus(unknown)", err, detective.KindNotFound)
			got, err := tx.ListCreateAccountStatuses(ctx, o.ID, pending.ID, 0)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.CreateAccountStatus{done, failed}, got); diff != "" {
				t.Errorf("ListCreateAccountStatuses mismatch (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}

func testOrgService(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ServiceAccess", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o := orgOf(1)
		a := world.ServiceAccess{Org: o.ID, ServicePrincipal: "detective.amazonaws.com", EnabledTime: at(1)}
		b := world.ServiceAccess{Org: o.ID, ServicePrincipal: "guardduty.amazonaws.com", EnabledTime: at(2)}
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			for _, x := range []world.ServiceAccess{b, a, b} {
				if err := tx.PutServiceAccess(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.ListServiceAccess(ctx, o.ID, "", 0)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.ServiceAccess{a, b}, got); diff != "" {
				t.Errorf("ListServiceAccess mismatch (-want +got):\n%s", diff)
			}
			if err := tx.DeleteServiceAccess(ctx, o.ID, a.ServicePrincipal); err != nil {
				return err
			}
			if err := tx.DeleteServiceAccess(ctx, o.ID, a.ServicePrincipal); err != nil {
				t.Errorf("DeleteServiceAccess(absent) = %v, want nil", err)
			}
			got, err = tx.ListServiceAccess(ctx, o.ID, "", 1)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.ServiceAccess{b}, got); diff != "" {
				t.Errorf("ListServiceAccess after delete mismatch (-want +got):\n%s", diff)
			}
			return nil
		})
	})

	t.Run("DelegatedAdmins", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o := orgOf(1)
		const det, gd = "detective.amazonaws.com", "guardduty.amazonaws.com"
		da := func(a detective.AccountID, p string) world.DelegatedAdmin {
			return world.DelegatedAdmin{Org: o.ID, Account: a, ServicePrincipal: p, RegisteredTime: at(7)}
		}
		all := []world.DelegatedAdmin{da(acct(1), det), da(acct(1), gd), da(acct(2), det)}
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			for _, a := range []detective.AccountID{acct(1), acct(2)} {
				if err := tx.PutOrgAccount(ctx, orgAccountOf(o, a)); err != nil {
					return err
				}
			}
			for i := len(all) - 1; i >= 0; i-- {
				if err := tx.PutDelegatedAdmin(ctx, all[i]); err != nil {
					return err
				}
			}
			return nil
		})
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			for _, tc := range []struct {
				name string
				p    world.ListDelegatedAdminsParams
				want []world.DelegatedAdmin
			}{
				{"all", world.ListDelegatedAdminsParams{Org: o.ID}, all},
				{"page", world.ListDelegatedAdminsParams{Org: o.ID, AfterAccount: acct(1), AfterPrincipal: det, Limit: 1}, all[1:2]},
				{"account", world.ListDelegatedAdminsParams{Org: o.ID, Account: acct(1)}, all[:2]},
				{"principal", world.ListDelegatedAdminsParams{Org: o.ID, Principal: det}, []world.DelegatedAdmin{all[0], all[2]}},
			} {
				got, err := tx.ListDelegatedAdmins(ctx, tc.p)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("ListDelegatedAdmins(%s) mismatch (-want +got):\n%s", tc.name, diff)
				}
			}
			if err := tx.DeleteDelegatedAdmin(ctx, o.ID, acct(1), gd); err != nil {
				return err
			}
			wantKind(t, "DeleteDelegatedAdmin(absent)", tx.DeleteDelegatedAdmin(ctx, o.ID, acct(1), gd), detective.KindNotFound)
			return nil
		})
	})

	t.Run("Tags", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		o := orgOf(1)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			if err := tx.PutOrgTags(ctx, o.ID, "r-0001", []world.OrgTag{{Key: "b", Value: "1"}, {Key: "a", Value: "2"}}); err != nil {
				return err
			}
			if err := tx.PutOrgTags(ctx, o.ID, "r-0001", []world.OrgTag{{Key: "b", Value: "3"}, {Key: "c", Value: ""}}); err != nil {
				return err
			}
			return tx.DeleteOrgTags(ctx, o.ID, "r-0001", []string{"c", "absent"})
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.OrgTags(ctx, o.ID, "r-0001")
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.OrgTag{{Key: "a", Value: "2"}, {Key: "b", Value: "3"}}, got); diff != "" {
				t.Errorf("OrgTags mismatch (-want +got):\n%s", diff)
			}
			none, err := tx.OrgTags(ctx, o.ID, "123456789012")
			if err != nil {
				return err
			}
			if none == nil || len(none) != 0 {
				t.Errorf("OrgTags(untagged) = %#v, want an empty slice", none)
			}
			return nil
		})
	})
}
