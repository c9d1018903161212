package readmodel_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/readmodel"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// BenchmarkMembersFromMemory reads 10 random members of a graph of 1,000,
// all kept, as GetMembers does under load: what it measures is the read
// model's own cost, lookups and copies, with no database call.
func BenchmarkMembersFromMemory(b *testing.B) {
	rm, g, ids := benchGraph(b)
	sets := make([][]detective.AccountID, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range sets {
		for range 10 {
			sets[i] = append(sets[i], ids[r.IntN(len(ids))])
		}
	}
	for i := 0; i < len(ids); i += 50 {
		benchRead(b, rm, func(tx detective.Tx) error {
			_, err := tx.Members(b.Context(), g, ids[i:i+50])
			return err
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			benchRead(b, rm, func(tx detective.Tx) error {
				ms, err := tx.Members(b.Context(), g, sets[i%len(sets)])
				if err == nil && len(ms) != 10 {
					err = fmt.Errorf("%d members", len(ms))
				}
				return err
			})
		}
	})
}

// BenchmarkListMembersFromMemory reads pages of 201 members (a page of
// 200 and the one that says there are more) of a graph of 1,000, all kept.
func BenchmarkListMembersFromMemory(b *testing.B) {
	rm, g, ids := benchGraph(b)
	page := func(i int) detective.ListMembersParams {
		p := detective.ListMembersParams{Graph: g, Limit: 201}
		if j := i % 5 * 200; j > 0 {
			p.After = ids[j-1]
		}
		return p
	}
	for i := range 5 {
		benchRead(b, rm, func(tx detective.Tx) error {
			_, err := tx.ListMembers(b.Context(), page(i))
			return err
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			benchRead(b, rm, func(tx detective.Tx) error {
				_, err := tx.ListMembers(b.Context(), page(i))
				return err
			})
		}
	})
}

// reportCPU reports the process's CPU time per operation, from when it
// is called to when the function it returns is: on a shared machine,
// steadier than the wall time of ns/op.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchRead(b *testing.B, rm *readmodel.Store, fn func(detective.Tx) error) {
	if err := rm.Read(b.Context(), fn); err != nil {
		b.Fatal(err)
	}
}

// benchGraph is a read model on a SQLite store with a graph of 1,000
// invited members, in account order.
func benchGraph(b *testing.B) (*readmodel.Store, arn.ARN, []detective.AccountID) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "d.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	svc := detective.NewService(s, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{})
	a := detective.Caller{Account: admin, Region: region}
	g, err := svc.CreateGraph(b.Context(), a, detective.CreateGraphInput{})
	if err != nil {
		b.Fatal(err)
	}
	var ids []detective.AccountID
	for start := 0; start < 1000; start += 50 {
		var in []detective.AccountInput
		for i := start; i < start+50; i++ {
			id := detective.AccountID(fmt.Sprintf("5%011d", i))
			in = append(in, detective.AccountInput{ID: id, Email: "m@example.com"})
			ids = append(ids, id)
		}
		if _, err := svc.CreateMembers(b.Context(), a, detective.CreateMembersInput{Graph: g.GraphARN, Accounts: in}); err != nil {
			b.Fatal(err)
		}
	}
	return readmodel.New(s, 0), g.GraphARN, ids
}
