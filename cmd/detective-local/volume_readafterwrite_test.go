package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	det "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/pgtest"
)

// TestVolumeReadAfterIngest: the read model answers GetMembers from
// memory, measured volume included, while nothing changes. Readers keep
// those answers warm on every server while ingests go to each in turn;
// after each acknowledged ingest, every server, the others first, must
// show the member's volume with it.
func TestVolumeReadAfterIngest(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		m := mustStart(t, testConfig(t, t.TempDir()))
		t.Cleanup(func() { _ = m.Close() })
		runVolumeReadAfterIngest(t, newReplicaSet(t, m))
	})
	t.Run("postgres", func(t *testing.T) {
		if pgtest.DSN(t) == "" {
			t.Skip(pgtest.EnvVar + " is not set")
		}
		t.Parallel()
		runVolumeReadAfterIngest(t, startReplicas(t, 2, nil))
	})
}

func runVolumeReadAfterIngest(t *testing.T, rs *replicaSet) {
	ctx := context.Background()
	const member = "520000000001"
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	graph := g.GraphArn
	if _, err := rs.client(0, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: graph,
		Accounts: []types.Account{{AccountId: aws.String(member), EmailAddress: aws.String("v@example.com")}}}); err != nil {
		t.Fatalf("CreateMembers: %s", describeErr(err))
	}
	if _, err := rs.client(0, member).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: graph}); err != nil {
		t.Fatalf("AcceptInvitation: %s", describeErr(err))
	}
	core := func(reader int) int64 {
		t.Helper()
		out, err := rs.client(reader, admin).GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: []string{member}})
		if err != nil || len(out.MemberDetails) != 1 || out.MemberDetails[0].Status != types.MemberStatusEnabled {
			t.Fatalf("GetMembers on server %d = %+v, %v; want the member ENABLED", reader, out, err)
		}
		return aws.ToInt64(out.MemberDetails[0].VolumeUsageByDatasourcePackage[string(det.PackageDetectiveCore)].VolumeUsageInBytes)
	}
	if v := core(0); v != 0 {
		t.Fatalf("volume before any ingest = %d, want 0", v)
	}

	var stop atomic.Bool
	var readers sync.WaitGroup
	for r := range 2 * len(rs.ms) {
		readers.Go(func() {
			c := rs.client(r, admin)
			for !stop.Load() {
				// Errors are the test's business below; readers only keep
				// the answers warm.
				_, _ = c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: graph, AccountIds: []string{member}})
			}
		})
	}
	defer func() { stop.Store(true); readers.Wait() }()

	var want int64
	for i := range 12 {
		writer := i % len(rs.ms)
		body := fmt.Appendf(nil, `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser",`+
			`"arn":"arn:aws:iam::%[1]s:user/v","accountId":"%[1]s"},"eventTime":%[2]q,"eventSource":"iam.amazonaws.com",`+
			`"eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2",`+
			`"eventID":"volume-%[3]d","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":%[1]q,`+
			`"eventCategory":"Management"}]}`, member, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), i)
		res := postIngest(t, rs.ms[writer].Addr(), "format=cloudtrail", body)
		if res.Accepted != 1 {
			t.Fatalf("round %d: ingest on server %d = %+v, want 1 accepted", i, writer, res)
		}
		want += volumeOf(t, body, "cloudtrail", ingest.Request{}, member)[det.PackageDetectiveCore]
		for k := range rs.ms {
			reader := (writer + 1 + k) % len(rs.ms) // the writer last
			if got := core(reader); got != want {
				t.Fatalf("round %d: volume on server %d after an ingest on %d = %d, want %d", i, reader, writer, got, want)
			}
		}
	}
}
