package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// BenchmarkGetMembers is the store's share of a GetMembers request: a Read
// that looks up the graph and 10 of its 1,200 members, from every CPU at
// once.
func BenchmarkGetMembers(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *Store{
		"file":   func(tb testing.TB) *Store { return mustOpen(tb, filepath.Join(tb.TempDir(), "d.db")) },
		"memory": func(tb testing.TB) *Store { return mustOpenMemory(tb) },
	} {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			g := testGraph(1)
			ids := mustFullGraph(b, s, g)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for i := 0; pb.Next(); i++ {
					want := ids[(i*10)%len(ids):][:10]
					err := s.Read(ctx, func(tx detective.Tx) error {
						if _, err := tx.Graph(ctx, g.ARN); err != nil {
							return err
						}
						ms, err := tx.Members(ctx, g.ARN, want)
						if err == nil && len(ms) != len(want) {
							err = fmt.Errorf("Members returned %d, want %d", len(ms), len(want))
						}
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkAcceptInvitation is the store's share of a small write: lock the
// graph, read one member, put it back.
func BenchmarkAcceptInvitation(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *Store{
		"file":   func(tb testing.TB) *Store { return mustOpen(tb, filepath.Join(tb.TempDir(), "d.db")) },
		"memory": func(tb testing.TB) *Store { return mustOpenMemory(tb) },
	} {
		b.Run(name, func(b *testing.B) {
			s := open(b)
			g := testGraph(1)
			ids := mustFullGraph(b, s, g)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				err := s.Write(ctx, func(tx detective.Tx) error {
					if _, err := tx.LockGraph(ctx, g.ARN); err != nil {
						return err
					}
					ms, err := tx.Members(ctx, g.ARN, ids[i%len(ids):][:1])
					if err != nil {
						return err
					}
					ms[0].Status = detective.MemberStatusEnabled
					return tx.PutMembers(ctx, ms)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// mustFullGraph creates g with DefaultMemberLimit members and returns their
// account IDs.
func mustFullGraph(tb testing.TB, s *Store, g detective.Graph) []detective.AccountID {
	tb.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ms := make([]detective.Member, detective.DefaultMemberLimit)
	ids := make([]detective.AccountID, len(ms))
	for i := range ms {
		ids[i] = detective.AccountID(fmt.Sprintf("%012d", 200000000000+i))
		ms[i] = detective.Member{
			Graph: g.ARN, Account: ids[i], Email: "m@example.com", Admin: g.Admin,
			Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited,
			InvitedTime: now, UpdatedTime: now, VerifiedTime: now,
		}
	}
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		if err := tx.CreateGraph(ctx, g); err != nil {
			return err
		}
		return tx.PutMembers(ctx, ms)
	})
	return ids
}

// BenchmarkMeasuredVolume is the query the read model makes when it has no
// measured volume kept, for 10 accounts, from every CPU at once: accounts
// that each ingested every minute of the day (one package), and accounts
// that never ingested.
func BenchmarkMeasuredVolume(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "d.db"))
	g := testGraph(1).ARN
	now := time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC)
	var busy, quiet []detective.AccountID
	for i := range 10 {
		a := detective.AccountID(fmt.Sprintf("5000000000%02d", i))
		busy, quiet = append(busy, a), append(quiet, detective.AccountID(fmt.Sprintf("6000000000%02d", i)))
		if _, err := s.write.ExecContext(context.Background(), `WITH RECURSIVE m (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < 1439)
			INSERT INTO behavior_volume (graph_key, account_id, package, minute, bytes, last_ingest)
			SELECT ?, ?, 'DETECTIVE_CORE', ? - n * 60000, 100, ? FROM m`,
			behavior.GraphKey(g), string(a), now.UnixMilli(), now.UnixMilli()); err != nil {
			b.Fatal(err)
		}
	}
	for name, accounts := range map[string][]detective.AccountID{"day": busy, "never": quiet} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					vs, err := s.MeasuredVolume(ctx, g, accounts, now.Add(-24*time.Hour))
					if err != nil || (name == "day") != (len(vs) == 10) {
						b.Fatalf("MeasuredVolume = %v, %v", vs, err)
					}
				}
			})
		})
	}
}
