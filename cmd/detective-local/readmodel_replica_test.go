package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
)

// TestReplicaReadAfterWriteWithWarmReadModels: every replica answers reads
// from memory while the database is unchanged, so this test keeps those
// answers warm on both replicas (readers hammer GetMembers, ListMembers and
// ListTagsForResource the whole time) while a writer alternates replicas.
// After each acknowledged write, both replicas, the other one first, must
// answer with it: a read never returns less than the writes acknowledged
// before it began.
func TestReplicaReadAfterWriteWithWarmReadModels(t *testing.T) {
	t.Parallel()
	rs := startReplicas(t, 2, nil)
	ctx := context.Background()
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	graph := g.GraphArn
	const rounds = 30
	ids := make([]string, rounds)
	for i := range ids {
		ids[i] = fmt.Sprintf("5100000000%02d", i)
	}

	var stop atomic.Bool
	var readers sync.WaitGroup
	for r := range 4 {
		readers.Go(func() {
			c := rs.client(r, admin)
			for !stop.Load() {
				// Errors are the writer's business to report; the readers
				// only keep the answers warm.
				_, _ = c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: ids[:10]})
				_, _ = c.ListMembers(ctx, &detective.ListMembersInput{GraphArn: graph})
				_, _ = c.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: graph})
			}
		})
	}
	defer func() { stop.Store(true); readers.Wait() }()

	for i, id := range ids {
		writer := i % 2
		w := rs.client(writer, admin)
		if _, err := w.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: graph,
			Accounts: []types.Account{{AccountId: aws.String(id), EmailAddress: aws.String("r@example.com")}}}); err != nil {
			t.Fatalf("round %d: CreateMembers on replica %d: %s", i, writer, describeErr(err))
		}
		tag := fmt.Sprint(i)
		if _, err := w.TagResource(ctx, &detective.TagResourceInput{ResourceArn: graph, Tags: map[string]string{"round": tag}}); err != nil {
			t.Fatalf("round %d: TagResource on replica %d: %s", i, writer, describeErr(err))
		}
		for _, reader := range []int{1 - writer, writer} {
			c := rs.client(reader, admin)
			got, err := c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: []string{id}})
			if err != nil || len(got.MemberDetails) != 1 {
				t.Fatalf("round %d: GetMembers(%s) on replica %d after CreateMembers on %d = %+v, %v; want the member",
					i, id, reader, writer, got, err)
			}
			if n := len(listAllMembers(t, rs, reader, *graph, 200)); n != i+1 {
				t.Fatalf("round %d: ListMembers on replica %d after CreateMembers on %d = %d members, want %d", i, reader, writer, n, i+1)
			}
			tags, err := c.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: graph})
			if err != nil || tags.Tags["round"] != tag {
				t.Fatalf("round %d: ListTagsForResource on replica %d after TagResource on %d = %v, %v; want round=%s",
					i, reader, writer, tags, err, tag)
			}
		}
		if i%3 == 2 {
			// A delete must be seen as promptly as an insert.
			if _, err := w.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: graph, AccountIds: []string{ids[i-1]}}); err != nil {
				t.Fatalf("round %d: DeleteMembers on replica %d: %s", i, writer, describeErr(err))
			}
			got, err := rs.client(1-writer, admin).GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: []string{ids[i-1]}})
			if err != nil || len(got.MemberDetails) != 0 {
				t.Fatalf("round %d: GetMembers(%s) on replica %d after DeleteMembers on %d = %+v, %v; want unprocessed",
					i, ids[i-1], 1-writer, writer, got, err)
			}
			if _, err := w.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: graph,
				Accounts: []types.Account{{AccountId: aws.String(ids[i-1]), EmailAddress: aws.String("r@example.com")}}}); err != nil {
				t.Fatalf("round %d: CreateMembers again on replica %d: %s", i, writer, describeErr(err))
			}
		}
	}
}
