package organizations_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/world"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// mustService returns a Service over a fresh SQLite store: real storage,
// as everywhere in the tests.
func mustService(t *testing.T) (*organizations.Service, *sqlite.Store) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	clock := fixedClock{time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)}
	return organizations.NewService(s.World(), clock, organizations.RandomIDs{}, organizations.Config{}), s
}

func events(t *testing.T, svc *organizations.Service) []world.OrgEvent {
	t.Helper()
	es, err := svc.OrgEvents(context.Background(), world.ListOrgEventsParams{})
	if err != nil {
		t.Fatalf("OrgEvents: %v", err)
	}
	return es
}

var testWorld = organizations.Seed{
	Accounts: []world.Account{{ID: "111111111111", RootEmail: "m@example.com"}, {ID: "222222222222"}},
	Organizations: []organizations.SeedOrganization{{
		Management: "111111111111", ManagementName: "Management",
		Members:                 []organizations.SeedMember{{Account: "222222222222", Name: "Security"}, {Account: "333333333333", Method: world.JoinedInvited}},
		EnabledServices:         []string{"detective.amazonaws.com"},
		DelegatedAdministrators: []organizations.SeedDelegatedAdmin{{Account: "222222222222", ServicePrincipal: "detective.amazonaws.com"}},
	}},
}

func TestApplySeedIsIdempotent(t *testing.T) {
	t.Parallel()
	svc, _ := mustService(t)
	ctx := context.Background()
	if err := svc.ApplySeed(ctx, testWorld); err != nil {
		t.Fatalf("ApplySeed: %v", err)
	}
	first := events(t, svc)
	var types []world.OrgEventType
	for i, e := range first {
		types = append(types, e.Type)
		if e.Seq != int64(i+1) || e.Management != "111111111111" {
			t.Errorf("event %d = %+v, want seq %d of the seeded organization", i, e, i+1)
		}
	}
	want := []world.OrgEventType{world.OrgEventOrganizationCreated, world.OrgEventAccountJoined, world.OrgEventAccountJoined,
		world.OrgEventServiceAccessEnabled, world.OrgEventDelegatedAdminRegistered}
	if len(types) != len(want) {
		t.Fatalf("events = %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Errorf("event %d = %s, want %s", i, types[i], want[i])
		}
	}
	if err := svc.ApplySeed(ctx, testWorld); err != nil {
		t.Fatalf("ApplySeed again: %v", err)
	}
	if again := events(t, svc); len(again) != len(first) {
		t.Errorf("applying the seed again recorded %d events, want none", len(again)-len(first))
	}
	orgs, err := svc.Organizations(ctx)
	if err != nil || len(orgs) != 1 || len(orgs[0].Accounts) != 3 || len(orgs[0].DelegatedAdministrators) != 1 {
		t.Fatalf("Organizations = %+v, %v", orgs, err)
	}
	for _, a := range orgs[0].Accounts {
		if a.Account == "222222222222" && a.Name != "Security" || a.Account == "333333333333" && a.Method != world.JoinedInvited {
			t.Errorf("seeded account = %+v", a)
		}
	}
	// Reset empties the world and seeds it anew: a new organization.
	if err := svc.Reset(ctx, testWorld); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	after, err := svc.Organizations(ctx)
	if err != nil || len(after) != 1 || after[0].Organization.ID == orgs[0].Organization.ID {
		t.Errorf("Organizations after Reset = %+v, %v; want one new organization", after, err)
	}
}

func TestApplySeedConflicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		seed organizations.Seed
		code organizations.Code
	}{
		{"member of another organization", organizations.Seed{Organizations: []organizations.SeedOrganization{
			{Management: "111111111111", Members: []organizations.SeedMember{{Account: "333333333333"}}},
			{Management: "222222222222", Members: []organizations.SeedMember{{Account: "333333333333"}}},
		}}, organizations.CodeAlreadyInOrganization},
		{"member managing", organizations.Seed{Organizations: []organizations.SeedOrganization{
			{Management: "111111111111", Members: []organizations.SeedMember{{Account: "222222222222"}}},
			{Management: "222222222222"},
		}}, organizations.CodeConstraintViolation},
		{"bad organization ID", organizations.Seed{Organizations: []organizations.SeedOrganization{{ID: "o-X", Management: "111111111111"}}},
			organizations.CodeInvalidInput},
		{"management as delegated administrator", organizations.Seed{Organizations: []organizations.SeedOrganization{{Management: "111111111111",
			DelegatedAdministrators: []organizations.SeedDelegatedAdmin{{Account: "111111111111", ServicePrincipal: "detective.amazonaws.com"}}}}},
			organizations.CodeConstraintViolation},
		{"bad account", organizations.Seed{Accounts: []world.Account{{ID: "12"}}}, organizations.CodeInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, _ := mustService(t)
			err := svc.ApplySeed(context.Background(), tc.seed)
			var e *organizations.Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("ApplySeed = %v, want %s", err, tc.code)
			}
			orgs, err := svc.Organizations(context.Background())
			if err != nil {
				t.Fatalf("Organizations after a failed seed: %v", err)
			}
			if len(orgs) != 0 {
				t.Errorf("a failed seed left %d organizations; it must apply whole or not at all", len(orgs))
			}
		})
	}
}

// TestRegisterDelegatedAdmin is the registration Detective asks for in its
// own transaction: idempotent, and its refusals are Detective's
// ValidationException.
func TestRegisterDelegatedAdmin(t *testing.T) {
	t.Parallel()
	svc, store := mustService(t)
	ctx := context.Background()
	if err := svc.ApplySeed(ctx, organizations.Seed{Organizations: []organizations.SeedOrganization{
		{ID: "o-abcdefghij", Management: "111111111111", Members: []organizations.SeedMember{{Account: "222222222222"}}}}}); err != nil {
		t.Fatalf("ApplySeed: %v", err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	register := func(account detective.AccountID) error {
		return store.Write(ctx, func(tx detective.Tx) error {
			return svc.RegisterDelegatedAdmin(ctx, tx, "o-abcdefghij", account, "detective.amazonaws.com", now)
		})
	}
	for range 2 {
		if err := register("222222222222"); err != nil {
			t.Fatalf("RegisterDelegatedAdmin: %v", err)
		}
	}
	n := 0
	for _, e := range events(t, svc) {
		if e.Type == world.OrgEventDelegatedAdminRegistered {
			n++
		}
	}
	if n != 1 {
		t.Errorf("registering twice recorded %d registrations, want 1", n)
	}
	if err := register("999999999999"); detective.KindOf(err) != detective.KindValidation {
		t.Errorf("RegisterDelegatedAdmin(not a member) = %v, want a Detective ValidationException", err)
	}
}
