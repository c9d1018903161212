package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// hostileStrings are values a careless or hostile client can put in a
// free-text field. The API refuses some of them before they reach a
// store, but a store must never fail on one as on a broken database.
var hostileStrings = map[string]string{
	"NUL":                "a\x00b",
	"only NUL":           "\x00",
	"control characters": "\x01\x07\x1b[31m\x7f",
	"newlines and tabs":  "a\r\nb\tc",
	"invalid UTF-8":      "a\xffb\xc3",
	"surrogate half":     "\xed\xa0\x80",
	"emoji and RTL":      "🙂\u202eevil",
	"quotes and SQL":     `'; DROP TABLE members; --"`,
	"backslashes":        `\\\u0000\`,
	"50 KB":              strings.Repeat("x", 50<<10),
}

// wantStoredOrRefused fails t unless err is nil and got equals want byte
// for byte, or err is a client error (the API's 4xx kinds): one store may
// hold a string another refuses (PostgreSQL text cannot hold NUL or
// invalid UTF-8), but neither may fail as if the database were broken,
// nor store something other than what it was given.
func wantStoredOrRefused(t *testing.T, what string, err error, read func() string, want string) {
	t.Helper()
	if err != nil {
		if k := detective.KindOf(err); k != detective.KindValidation {
			t.Errorf("%s: error %v of kind %v, want success or KindValidation", what, err, k)
		}
		return
	}
	if got := read(); got != want {
		t.Errorf("%s: read back %q, want %q", what, got, want)
	}
}

func testStrings(t *testing.T, newStore func(t *testing.T) Store) {
	for name, v := range hostileStrings {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			ctx := t.Context()
			g := graphOf(acct(0), region, 1)
			mustCreateGraphs(t, s, g)

			err := s.Write(ctx, func(tx detective.Tx) error { return tx.PutTags(ctx, g.ARN, map[string]string{"k": v}) })
			wantStoredOrRefused(t, "PutTags value", err, func() string { return mustTags(t, s, g.ARN)["k"] }, v)
			err = s.Write(ctx, func(tx detective.Tx) error { return tx.PutTags(ctx, g.ARN, map[string]string{v: "v"}) })
			wantStoredOrRefused(t, "PutTags key", err, func() string {
				if _, ok := mustTags(t, s, g.ARN)[v]; ok {
					return v
				}
				return "<absent>"
			}, v)

			m := memberOf(g, acct(1), detective.MemberStatusInvited)
			m.Email = v
			err = s.Write(ctx, func(tx detective.Tx) error { return tx.PutMembers(ctx, []detective.Member{m}) })
			wantStoredOrRefused(t, "PutMembers email", err, func() string {
				ms := mustMembers(t, s, g.ARN, m.Account)
				if len(ms) != 1 {
					return "<absent>"
				}
				return ms[0].Email
			}, v)

			a := world.Account{ID: acct(2), RootEmail: v}
			err = s.World().Write(ctx, func(tx world.Tx) error { return tx.PutAccount(context.WithoutCancel(ctx), a) })
			wantStoredOrRefused(t, "PutAccount root e-mail", err, func() string { return mustAccount(t, s, a.ID).RootEmail }, v)

			// A refused write leaves the store usable.
			mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
				return tx.PutTags(ctx, g.ARN, map[string]string{"after": "ok"})
			})
		})
	}
}
