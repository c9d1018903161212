package awsapi_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/app"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// BenchmarkMembershipCycleByGraphSize measures one CreateMembers, the
// invited account's AcceptInvitation and a DeleteMembers in graphs of 10
// and of 1,199 members, on an in-memory store so that disk syncs do not
// hide the CPU. A cost that grows with the graph shows as a gap between
// the two.
func BenchmarkMembershipCycleByGraphSize(b *testing.B) {
	for _, size := range []int{10, 1199} {
		b.Run(fmt.Sprintf("members=%d", size), func(b *testing.B) {
			store, err := sqlite.OpenMemory(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			svc := domain.NewService(app.ReadModel(store), domain.SystemClock{}, domain.RandomIDs{}, domain.Config{})
			c := domain.Caller{Account: admin, Region: "us-east-1"}
			g, err := svc.CreateGraph(ctx, c, domain.CreateGraphInput{})
			if err != nil {
				b.Fatal(err)
			}
			for start := 0; start < size; start += 50 {
				var in []domain.AccountInput
				for i := start; i < min(start+50, size); i++ {
					in = append(in, domain.AccountInput{ID: domain.AccountID(memberID(i)), Email: "a@example.com"})
				}
				if _, err := svc.CreateMembers(ctx, c, domain.CreateMembersInput{Graph: g.GraphARN, Accounts: in}); err != nil {
					b.Fatal(err)
				}
			}
			for i := 0; i < size; i += 2 { // half of them enabled, whose volume counts
				if err := svc.AcceptInvitation(ctx, domain.Caller{Account: domain.AccountID(memberID(i)), Region: "us-east-1"}, g.GraphARN); err != nil {
					b.Fatal(err)
				}
			}
			const extra = "999999999999"
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.CreateMembers(ctx, c, domain.CreateMembersInput{Graph: g.GraphARN,
					Accounts: []domain.AccountInput{{ID: extra, Email: "x@example.com"}}}); err != nil {
					b.Fatal(err)
				}
				if err := svc.AcceptInvitation(ctx, domain.Caller{Account: extra, Region: "us-east-1"}, g.GraphARN); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.DeleteMembers(ctx, c, domain.DeleteMembersInput{Graph: g.GraphARN, Accounts: []domain.AccountID{extra}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateMembersDurable measures CreateMembers of 50 new accounts
// at a time on a SQLite file with synchronous=FULL, every commit synced,
// and reports accounts per second. A graph takes 1,200 members, so a new
// administrator's graph is started when one is nearly full.
func BenchmarkCreateMembersDurable(b *testing.B) {
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "d.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := domain.NewService(app.ReadModel(store), domain.SystemClock{}, domain.RandomIDs{}, domain.Config{})
	const batch = 50
	var graph domain.CreateGraphOutput
	var c domain.Caller
	graphs, members, accounts := 0, domain.DefaultMemberLimit, 0
	b.ResetTimer()
	for b.Loop() {
		if members+batch > domain.DefaultMemberLimit {
			b.StopTimer()
			graphs++
			c = domain.Caller{Account: domain.AccountID(fmt.Sprintf("7%011d", graphs)), Region: "us-east-1"}
			if graph, err = svc.CreateGraph(ctx, c, domain.CreateGraphInput{}); err != nil {
				b.Fatal(err)
			}
			members = 0
			b.StartTimer()
		}
		in := make([]domain.AccountInput, batch)
		for i := range in {
			in[i] = domain.AccountInput{ID: domain.AccountID(memberID(accounts + i)), Email: "a@example.com"}
		}
		out, err := svc.CreateMembers(ctx, c, domain.CreateMembersInput{Graph: graph.GraphARN, Accounts: in})
		if err != nil || len(out.Unprocessed) != 0 {
			b.Fatalf("CreateMembers: %v, unprocessed %v", err, out.Unprocessed)
		}
		members += batch
		accounts += batch
	}
	b.ReportMetric(float64(accounts)/b.Elapsed().Seconds(), "accounts/s")
}
