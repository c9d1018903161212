package main

// Several replicas on one PostgreSQL database must behave as one service:
// they share no memory, so everything below is coordinated through the
// database alone. Each test starts its replicas as in-process Mains on a
// fresh schema of DETECTIVE_TEST_POSTGRES and drives them with the real SDK.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
	"github.com/aws/smithy-go"

	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/sdkhttp"
)

// TestReplicaCreateGraphRace: CreateGraph raced from every replica for the
// same accounts creates one graph per account, and every replica lists it.
func TestReplicaCreateGraphRace(t *testing.T) {
	t.Parallel()
	rs := startReplicas(t, 3, nil)
	ctx := context.Background()
	accounts := []string{"310000000001", "310000000002", "310000000003"}
	const racers = 10
	arns := make(map[string][]string, len(accounts))
	errs := make(chan error, len(accounts)*racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, acct := range accounts {
		got := make([]string, racers)
		arns[acct] = got
		for i := range racers {
			wg.Go(func() {
				<-start
				out, err := rs.client(i, acct).CreateGraph(ctx, &detective.CreateGraphInput{})
				if err != nil {
					errs <- fmt.Errorf("CreateGraph by %s on replica %d: %s", acct, i%len(rs.ms), describeErr(err))
					return
				}
				got[i] = aws.ToString(out.GraphArn)
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	failOnErrors(t, errs)

	for _, acct := range accounts {
		distinct := slices.Compact(slices.Sorted(slices.Values(arns[acct])))
		if len(distinct) != 1 || !strings.HasPrefix(distinct[0], "arn:aws:detective:us-east-1:"+acct+":graph:") {
			t.Fatalf("%d concurrent CreateGraph calls by %s returned %q; want one graph ARN", racers, acct, distinct)
		}
		for i := range rs.ms {
			list, err := rs.client(i, acct).ListGraphs(ctx, &detective.ListGraphsInput{})
			if err != nil {
				t.Fatalf("ListGraphs by %s on replica %d: %s", acct, i, describeErr(err))
			}
			var got []string
			for _, g := range list.GraphList {
				got = append(got, aws.ToString(g.Arn))
			}
			if !slices.Equal(got, distinct) {
				t.Errorf("ListGraphs by %s on replica %d = %q, want %q", acct, i, got, distinct)
			}
		}
	}
}

// TestReplicaMembershipInterleaving: CreateMembers, AcceptInvitation and
// DeleteMembers interleaved across replicas by many clients at once lose
// and duplicate nothing. Each worker owns its own accounts, which it
// creates, accepts and deletes in a fixed order, each request on another
// replica than the last; all workers also invite the same shared accounts,
// which each must be created exactly once. At the end every replica lists
// exactly what was acknowledged.
func TestReplicaMembershipInterleaving(t *testing.T) {
	t.Parallel()
	rs := startReplicas(t, 3, nil)
	ctx := context.Background()
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	graph := aws.ToString(g.GraphArn)
	const workers, owned, nShared = 12, 12, 10
	var shared []string
	for i := range nShared {
		shared = append(shared, fmt.Sprintf("4000000000%02d", i))
	}

	models := make([]memberModel, workers)
	errs := make(chan error, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			mw := &membershipWorker{rs: rs, graph: graph, w: w, shared: shared, step: w,
				model: memberModel{status: map[string]types.MemberStatus{}}}
			if err := mw.run(ctx, owned); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
			models[w] = mw.model
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	failOnErrors(t, errs)

	want := map[string]types.MemberStatus{}
	createdBy := map[string][]int{}
	for w, m := range models {
		for id, st := range m.status {
			want[id] = st
		}
		for _, id := range m.createdShared {
			createdBy[id] = append(createdBy[id], w)
		}
	}
	for _, id := range shared {
		if len(createdBy[id]) != 1 {
			t.Errorf("shared account %s was acknowledged as created by workers %v; want exactly one", id, createdBy[id])
		}
		want[id] = types.MemberStatusInvited
	}
	if n := nShared + workers*owned*4/6; len(want) != n {
		t.Errorf("acknowledged model has %d members, want %d", len(want), n)
	}
	for i := range rs.ms {
		got := listAllMembers(t, rs, i, graph, 25)
		if !maps.Equal(got, want) {
			t.Errorf("ListMembers on replica %d differs from what was acknowledged:\n%s", i, diffMembers(got, want))
		}
	}
}

// memberModel is what the service acknowledged to one worker.
type memberModel struct {
	status        map[string]types.MemberStatus // owned accounts present, by status
	createdShared []string                      // shared accounts this worker's CreateMembers created
}

// membershipWorker drives one worker's accounts through their fates.
type membershipWorker struct {
	rs     *replicaSet
	graph  string
	w      int
	shared []string
	step   int // replica of the last request; each request uses the next
	model  memberModel
}

func (mw *membershipWorker) next() int { mw.step++; return mw.step }

// run takes owned accounts through six fates, by index mod 6:
//
//	0: create                                      → INVITED
//	1: create, accept, accept again (conflict)     → ENABLED
//	2: create, delete, delete again (not a member) → gone
//	3: create, accept, delete                      → gone
//	4: create, delete, create                      → INVITED
//	5: create, delete, create, accept              → ENABLED
func (mw *membershipWorker) run(ctx context.Context, owned int) error {
	byFate := make([][]string, 6)
	var all []string
	for j := range owned {
		id := fmt.Sprintf("5%03d%08d", mw.w, j)
		byFate[j%6] = append(byFate[j%6], id)
		all = append(all, id)
	}
	if err := mw.create(ctx, all, true); err != nil {
		return err
	}
	for _, id := range slices.Concat(byFate[1], byFate[3]) {
		if err := mw.accept(ctx, id); err != nil {
			return err
		}
	}
	if err := mw.delete(ctx, slices.Concat(byFate[2], byFate[4], byFate[5]), nil); err != nil {
		return err
	}
	for _, id := range byFate[1] {
		_, err := mw.rs.client(mw.next(), id).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: &mw.graph})
		if code, status := errCode(err); code != "ConflictException" || status != http.StatusConflict {
			return fmt.Errorf("AcceptInvitation by %s a second time = %s; want ConflictException (409)", id, describeErr(err))
		}
	}
	if err := mw.delete(ctx, byFate[3], byFate[2]); err != nil {
		return err
	}
	if err := mw.create(ctx, slices.Concat(byFate[4], byFate[5]), false); err != nil {
		return err
	}
	for _, id := range byFate[5] {
		if err := mw.accept(ctx, id); err != nil {
			return err
		}
	}
	for j, id := range all {
		want, present := map[int]types.MemberStatus{0: "INVITED", 1: "ENABLED", 4: "INVITED", 5: "ENABLED"}[j%6]
		if got, ok := mw.model.status[id]; ok != present || got != want {
			return fmt.Errorf("test bug: account %s (fate %d) acknowledged as %q (present %v)", id, j%6, got, ok)
		}
	}
	return nil
}

// create invites ids and every shared account in one shuffled request.
// The first time, each shared account is either created or already
// present (created by another worker); afterwards all must be present.
func (mw *membershipWorker) create(ctx context.Context, ids []string, first bool) error {
	var accts []types.Account
	for _, id := range slices.Concat(ids, mw.shared) {
		accts = append(accts, types.Account{AccountId: aws.String(id), EmailAddress: aws.String(id + "@example.com")})
	}
	rand.Shuffle(len(accts), func(i, j int) { accts[i], accts[j] = accts[j], accts[i] })
	replica := mw.next()
	out, err := mw.rs.client(replica, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: &mw.graph, Accounts: accts})
	if err != nil {
		return fmt.Errorf("CreateMembers on replica %d: %s", replica%len(mw.rs.ms), describeErr(err))
	}
	seen := map[string]bool{}
	for _, m := range out.Members {
		id := aws.ToString(m.AccountId)
		switch {
		case seen[id]:
			return fmt.Errorf("CreateMembers returned %s twice", id)
		case slices.Contains(ids, id):
			mw.model.status[id] = types.MemberStatusInvited
		case slices.Contains(mw.shared, id) && first:
			mw.model.createdShared = append(mw.model.createdShared, id)
		default:
			return fmt.Errorf("CreateMembers (first %v) created %s, which it should not have", first, id)
		}
		seen[id] = true
	}
	for _, u := range out.UnprocessedAccounts {
		id, reason := aws.ToString(u.AccountId), aws.ToString(u.Reason)
		if seen[id] || !slices.Contains(mw.shared, id) || !strings.Contains(reason, "already a member") {
			return fmt.Errorf("CreateMembers left %s unprocessed (%q)", id, reason)
		}
		seen[id] = true
	}
	if len(seen) != len(accts) {
		return fmt.Errorf("CreateMembers answered for %d of %d accounts", len(seen), len(accts))
	}
	return nil
}

func (mw *membershipWorker) accept(ctx context.Context, id string) error {
	replica := mw.next()
	if _, err := mw.rs.client(replica, id).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: &mw.graph}); err != nil {
		return fmt.Errorf("AcceptInvitation by %s on replica %d: %s", id, replica%len(mw.rs.ms), describeErr(err))
	}
	mw.model.status[id] = types.MemberStatusEnabled
	return nil
}

// delete deletes ids, which must all be members, and absent, which must
// all be unprocessed.
func (mw *membershipWorker) delete(ctx context.Context, ids, absent []string) error {
	replica := mw.next()
	out, err := mw.rs.client(replica, admin).DeleteMembers(ctx, &detective.DeleteMembersInput{
		GraphArn: &mw.graph, AccountIds: slices.Concat(ids, absent)})
	if err != nil {
		return fmt.Errorf("DeleteMembers on replica %d: %s", replica%len(mw.rs.ms), describeErr(err))
	}
	var unprocessed []string
	for _, u := range out.UnprocessedAccounts {
		unprocessed = append(unprocessed, aws.ToString(u.AccountId))
	}
	if !sameSet(out.AccountIds, ids) || !sameSet(unprocessed, absent) {
		return fmt.Errorf("DeleteMembers(%v, %v) deleted %v, left %v unprocessed", ids, absent, out.AccountIds, unprocessed)
	}
	for _, id := range ids {
		delete(mw.model.status, id)
	}
	return nil
}

// TestReplicaNextTokenAcrossReplicas: a NextToken issued by one replica
// pages on any other, and the pages together hold every member once.
func TestReplicaNextTokenAcrossReplicas(t *testing.T) {
	t.Parallel()
	rs := startReplicas(t, 3, nil)
	ctx := context.Background()
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	const n, batch = 450, 50
	var all []string
	for i := range n {
		all = append(all, fmt.Sprintf("6000000%05d", i))
	}
	errs := make(chan error, n/batch)
	var wg sync.WaitGroup
	for b := range n / batch {
		wg.Go(func() {
			var accts []types.Account
			for _, id := range all[b*batch : (b+1)*batch] {
				accts = append(accts, types.Account{AccountId: aws.String(id), EmailAddress: aws.String("m@example.com")})
			}
			out, err := rs.client(b, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn, Accounts: accts})
			switch {
			case err != nil:
				errs <- fmt.Errorf("CreateMembers batch %d: %s", b, describeErr(err))
			case len(out.Members) != batch:
				errs <- fmt.Errorf("CreateMembers batch %d created %d members, unprocessed %d", b, len(out.Members), len(out.UnprocessedAccounts))
			}
		})
	}
	wg.Wait()
	close(errs)
	failOnErrors(t, errs)

	var got []string
	var sizes []int
	var token *string
	for page := 0; ; page++ {
		in := &detective.ListMembersInput{GraphArn: g.GraphArn, MaxResults: aws.Int32(200), NextToken: token}
		out, err := rs.client(page, admin).ListMembers(ctx, in)
		if err != nil {
			t.Fatalf("ListMembers page %d on replica %d: %s", page, page%3, describeErr(err))
		}
		ids := memberIDs(out.MemberDetails)
		if token != nil {
			// The token is stateless: the third replica gives the same page.
			again, err := rs.client(page+1, admin).ListMembers(ctx, in)
			if err != nil {
				t.Fatalf("ListMembers page %d on replica %d: %s", page, (page+1)%3, describeErr(err))
			}
			if !slices.Equal(memberIDs(again.MemberDetails), ids) || aws.ToString(again.NextToken) != aws.ToString(out.NextToken) {
				t.Errorf("page %d differs between replicas %d and %d", page, page%3, (page+1)%3)
			}
		}
		got = append(got, ids...)
		sizes = append(sizes, len(ids))
		if out.NextToken == nil {
			break
		}
		if page > n/200+1 {
			t.Fatalf("ListMembers is still paging after %d pages", page+1)
		}
		token = out.NextToken
	}
	if !slices.Equal(sizes, []int{200, 200, 50}) {
		t.Errorf("page sizes = %v, want [200 200 50]", sizes)
	}
	if !slices.Equal(got, all) {
		t.Errorf("paging across replicas returned %d members (%d distinct); want each of %d exactly once, in order",
			len(got), len(slices.Compact(slices.Sorted(slices.Values(got)))), n)
	}
}

// TestReplicaVerificationDelay: a member created on one replica is
// VERIFICATION_IN_PROGRESS on every replica until the delay passes, then
// INVITED on every replica with the same record. The status is computed
// from the stored verification time, so no replica does background work.
func TestReplicaVerificationDelay(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	rs := startReplicas(t, 3, func(c *Config) { c.VerificationDelay = delay })
	ctx := context.Background()
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	graph := aws.ToString(g.GraphArn)
	// A loaded machine may take longer than the delay to make the reads
	// that must fall inside it; then try again with another account.
	for attempt := range 3 {
		if observeVerification(t, rs, graph, fmt.Sprintf("70000000000%d", attempt), delay) {
			return
		}
		t.Logf("attempt %d: the in-progress reads took longer than %v; trying again", attempt, delay)
	}
	t.Fatalf("three attempts could not read the member within %v of creating it", delay)
}

// observeVerification creates acct on replica 0, checks it is in progress
// on replicas 1 and 2, then INVITED everywhere after delay. It reports
// false if the in-progress reads did not all finish within delay, which
// leaves them inconclusive.
func observeVerification(t *testing.T, rs *replicaSet, graph, acct string, delay time.Duration) bool {
	t.Helper()
	ctx := context.Background()
	sent := time.Now()
	created, err := rs.client(0, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: &graph,
		Accounts: []types.Account{{AccountId: aws.String(acct), EmailAddress: aws.String("v@example.com")}}})
	if err != nil {
		t.Fatalf("CreateMembers on replica 0: %s", describeErr(err))
	}
	acked := time.Now()
	if len(created.Members) != 1 || created.Members[0].Status != types.MemberStatusVerificationInProgress {
		t.Fatalf("CreateMembers = %+v, want one member VERIFICATION_IN_PROGRESS", created)
	}
	onB := getMember(t, rs, 1, graph, acct)
	listed, err := rs.client(2, admin).ListMembers(ctx, &detective.ListMembersInput{GraphArn: &graph})
	if err != nil {
		t.Fatalf("ListMembers on replica 2: %s", describeErr(err))
	}
	invs, err := rs.client(2, acct).ListInvitations(ctx, &detective.ListInvitationsInput{})
	if err != nil {
		t.Fatalf("ListInvitations by %s on replica 2: %s", acct, describeErr(err))
	}
	if time.Since(sent) >= delay-time.Millisecond {
		return false
	}
	if onB.Status != types.MemberStatusVerificationInProgress {
		t.Errorf("GetMembers on replica 1 within the delay: status %s, want VERIFICATION_IN_PROGRESS", onB.Status)
	}
	for _, m := range listed.MemberDetails {
		if aws.ToString(m.AccountId) == acct && m.Status != types.MemberStatusVerificationInProgress {
			t.Errorf("ListMembers on replica 2 within the delay: status %s, want VERIFICATION_IN_PROGRESS", m.Status)
		}
	}
	if len(invs.Invitations) != 0 {
		t.Errorf("ListInvitations by %s on replica 2 within the delay = %d invitations, want none (not yet sent)", acct, len(invs.Invitations))
	}

	time.Sleep(time.Until(acked.Add(delay + 5*time.Millisecond)))
	first := getMember(t, rs, 0, graph, acct)
	if first.Status != types.MemberStatusInvited {
		t.Errorf("GetMembers on replica 0 after the delay: status %s, want INVITED", first.Status)
	}
	if d := aws.ToTime(first.UpdatedTime).Sub(aws.ToTime(first.InvitedTime)); d != delay {
		t.Errorf("UpdatedTime - InvitedTime = %v, want the verification delay %v", d, delay)
	}
	for i := range rs.ms {
		m := getMember(t, rs, i, graph, acct)
		if m.Status != first.Status || !aws.ToTime(m.UpdatedTime).Equal(aws.ToTime(first.UpdatedTime)) ||
			!aws.ToTime(m.InvitedTime).Equal(aws.ToTime(first.InvitedTime)) {
			t.Errorf("replica %d reads %s (updated %v, invited %v); replica 0 reads %s (updated %v, invited %v)", i,
				m.Status, aws.ToTime(m.UpdatedTime), aws.ToTime(m.InvitedTime), first.Status, aws.ToTime(first.UpdatedTime), aws.ToTime(first.InvitedTime))
		}
		invs, err := rs.client(i, acct).ListInvitations(ctx, &detective.ListInvitationsInput{})
		if err != nil {
			t.Fatalf("ListInvitations by %s on replica %d: %s", acct, i, describeErr(err))
		}
		if len(invs.Invitations) != 1 || invs.Invitations[0].Status != types.MemberStatusInvited {
			t.Errorf("ListInvitations by %s on replica %d after the delay = %d invitations, want one INVITED", acct, i, len(invs.Invitations))
		}
	}
	if _, err := rs.client(2, acct).AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: &graph}); err != nil {
		t.Fatalf("AcceptInvitation by %s on replica 2 after the delay: %s", acct, describeErr(err))
	}
	if m := getMember(t, rs, 1, graph, acct); m.Status != types.MemberStatusEnabled {
		t.Errorf("GetMembers on replica 1 after accepting on replica 2: status %s, want ENABLED", m.Status)
	}
	return true
}

// TestReplicaPostgresOutage: when one replica loses its database, requests
// to it fail promptly with InternalServerException and its health check
// answers 503, while another replica carries on; when the database comes
// back the same replica serves again without a restart, and nothing that
// was acknowledged before, during or after the outage is lost.
func TestReplicaPostgresOutage(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t, pgtest.MustDSN(t))
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Skipf("%s needs a URL DSN with a host to proxy", t.Name())
	}
	p := startCutProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = p.addr
	a := startReplicaOn(t, pgtest.WithParam(t, viaProxy.String(), "connect_timeout", "1"), nil)
	b := startReplicaOn(t, dsn, nil)
	rs := newReplicaSet(t, a, b)
	ctx := context.Background()

	// Acknowledged writes through replica a before the outage.
	g, err := rs.client(0, admin).CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %s", describeErr(err))
	}
	graph := aws.ToString(g.GraphArn)
	createMember := func(replica int, id string) error {
		_, err := rs.client(replica, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: &graph,
			Accounts: []types.Account{{AccountId: aws.String(id), EmailAddress: aws.String("o@example.com")}}})
		return err
	}
	for _, id := range []string{"800000000001", "800000000002"} {
		if err := createMember(0, id); err != nil {
			t.Fatalf("CreateMembers %s before the outage: %s", id, describeErr(err))
		}
	}
	if _, err := rs.client(0, "800000000001").AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: &graph}); err != nil {
		t.Fatalf("AcceptInvitation before the outage: %s", describeErr(err))
	}
	if got := healthStatus(t, a); got != http.StatusOK {
		t.Fatalf("health before the outage = %d, want 200", got)
	}

	p.cut()
	const bound = 15 * time.Second
	for _, call := range []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"ListGraphs", func(ctx context.Context) error {
			_, err := rs.client(0, admin).ListGraphs(ctx, &detective.ListGraphsInput{})
			return err
		}},
		{"CreateMembers", func(ctx context.Context) error {
			_, err := rs.client(0, admin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: &graph,
				Accounts: []types.Account{{AccountId: aws.String("800000000009"), EmailAddress: aws.String("o@example.com")}}})
			return err
		}},
	} {
		cctx, cancel := context.WithTimeout(ctx, bound+5*time.Second)
		start := time.Now()
		err := call.do(cctx)
		took := time.Since(start)
		cancel()
		if code, status := errCode(err); code != "InternalServerException" || status != http.StatusInternalServerError {
			t.Errorf("%s with the database gone = %s after %v; want InternalServerException (500)", call.name, describeErr(err), took)
		}
		if took > bound {
			t.Errorf("%s with the database gone took %v, want < %v", call.name, took, bound)
		}
		t.Logf("%s with the database gone failed after %v", call.name, took)
	}
	start := time.Now()
	if got := healthStatus(t, a); got != http.StatusServiceUnavailable {
		t.Errorf("health with the database gone = %d, want 503", got)
	}
	t.Logf("health with the database gone answered after %v", time.Since(start))
	if got := healthStatus(t, b); got != http.StatusOK {
		t.Errorf("health of the other replica = %d, want 200", got)
	}
	// The other replica carries on.
	if err := createMember(1, "800000000003"); err != nil {
		t.Fatalf("CreateMembers on the other replica during the outage: %s", describeErr(err))
	}

	p.restore(t)
	start = time.Now()
	failures := 0
	for {
		_, err := rs.client(0, admin).ListGraphs(ctx, &detective.ListGraphsInput{})
		if err == nil {
			break
		}
		failures++
		if time.Since(start) > 10*time.Second {
			t.Fatalf("ListGraphs still fails 10s after the database came back: %s", describeErr(err))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("replica answered %v after the database came back, after %d failed requests", time.Since(start), failures)
	if failures > 0 {
		t.Errorf("%d requests failed after the database came back; want the first to succeed", failures)
	}
	if got := healthStatus(t, a); got != http.StatusOK {
		t.Errorf("health after the database came back = %d, want 200", got)
	}
	if err := createMember(0, "800000000004"); err != nil {
		t.Fatalf("CreateMembers after the database came back: %s", describeErr(err))
	}

	// 800000000009 is absent: its request failed before reaching the database.
	want := map[string]types.MemberStatus{
		"800000000001": types.MemberStatusEnabled,
		"800000000002": types.MemberStatusInvited,
		"800000000003": types.MemberStatusInvited,
		"800000000004": types.MemberStatusInvited,
	}
	for i := range rs.ms {
		if got := listAllMembers(t, rs, i, graph, 200); !maps.Equal(got, want) {
			t.Errorf("members on replica %d after the outage:\n%s", i, diffMembers(got, want))
		}
	}
}

// replicaSet is servers sharing one database schema, with SDK clients
// cached per replica and account. Replica indexes wrap around.
type replicaSet struct {
	ms        []*Main
	transport *http.Transport // shared by every client
	mu        sync.Mutex
	cs        map[string]*detective.Client
}

// startReplicas starts n servers on one fresh schema of the test database;
// edit, if not nil, adjusts each one's configuration.
func startReplicas(t *testing.T, n int, edit func(*Config)) *replicaSet {
	t.Helper()
	dsn := pgtest.Schema(t, pgtest.MustDSN(t))
	var ms []*Main
	for range n {
		ms = append(ms, startReplicaOn(t, dsn, edit))
	}
	return newReplicaSet(t, ms...)
}

// newReplicaSet returns the set of ms. Register it after starting ms: its
// cleanup, which runs first, closes the clients' idle connections. Under
// concurrency the transport dials connections that a request then does
// not use; http.Server.Shutdown waits 5s for such a connection, which has
// not sent a request yet, before treating it as idle.
func newReplicaSet(t *testing.T, ms ...*Main) *replicaSet {
	rs := &replicaSet{ms: ms, transport: http.DefaultTransport.(*http.Transport).Clone(), cs: map[string]*detective.Client{}}
	t.Cleanup(rs.transport.CloseIdleConnections)
	return rs
}

// startReplicaOn starts a server on the PostgreSQL DSN, logging warnings
// and errors to t, and closes it at cleanup.
func startReplicaOn(t *testing.T, dsn string, edit func(*Config)) *Main {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	cfg.Store = dsn
	if edit != nil {
		edit(&cfg)
	}
	m := NewMain(cfg, testLog{t})
	if err := m.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m
}

// client returns a client of replica i (mod the number of replicas)
// signing as account.
func (rs *replicaSet) client(i int, account string) *detective.Client {
	addr := rs.ms[i%len(rs.ms)].Addr()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	key := addr + "/" + account
	c, ok := rs.cs[key]
	if !ok {
		c = detective.New(client(addr, account).Options(), func(o *detective.Options) {
			o.HTTPClient = sdkhttp.New(&http.Client{Transport: rs.transport})
		})
		rs.cs[key] = c
	}
	return c
}

// testLog writes server logs to the test log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

func failOnErrors(t *testing.T, errs <-chan error) {
	t.Helper()
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// errCode returns the AWS error code and HTTP status of an SDK error.
func errCode(err error) (code string, status int) {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	return code, status
}

// describeErr renders an SDK error with its code and HTTP status.
func describeErr(err error) string {
	if err == nil {
		return "success"
	}
	code, status := errCode(err)
	return fmt.Sprintf("%s (HTTP %d): %v", code, status, err)
}

func getMember(t *testing.T, rs *replicaSet, replica int, graph, acct string) types.MemberDetail {
	t.Helper()
	out, err := rs.client(replica, admin).GetMembers(context.Background(), &detective.GetMembersInput{GraphArn: &graph, AccountIds: []string{acct}})
	if err != nil {
		t.Fatalf("GetMembers on replica %d: %s", replica, describeErr(err))
	}
	if len(out.MemberDetails) != 1 {
		t.Fatalf("GetMembers %s on replica %d = %d members, want 1", acct, replica, len(out.MemberDetails))
	}
	return out.MemberDetails[0]
}

// listAllMembers pages through graph's members on one replica; an account
// listed twice fails t.
func listAllMembers(t *testing.T, rs *replicaSet, replica int, graph string, pageSize int32) map[string]types.MemberStatus {
	t.Helper()
	got := map[string]types.MemberStatus{}
	p := detective.NewListMembersPaginator(rs.client(replica, admin), &detective.ListMembersInput{GraphArn: &graph, MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListMembers on replica %d: %s", replica, describeErr(err))
		}
		for _, m := range page.MemberDetails {
			id := aws.ToString(m.AccountId)
			if _, dup := got[id]; dup {
				t.Errorf("ListMembers on replica %d lists %s twice", replica, id)
			}
			got[id] = m.Status
		}
	}
	return got
}

func memberIDs(ms []types.MemberDetail) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = aws.ToString(m.AccountId)
	}
	return ids
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// diffMembers describes how got differs from want.
func diffMembers(got, want map[string]types.MemberStatus) string {
	var lines []string
	for id, w := range want {
		if g, ok := got[id]; !ok {
			lines = append(lines, fmt.Sprintf("  missing %s (want %s)", id, w))
		} else if g != w {
			lines = append(lines, fmt.Sprintf("  %s is %s, want %s", id, g, w))
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			lines = append(lines, fmt.Sprintf("  unexpected %s (%s)", id, g))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// healthStatus returns the status of m's health endpoint.
func healthStatus(t *testing.T, m *Main) int {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + m.Addr() + "/_detective/health")
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("health body: %v", err)
	}
	return resp.StatusCode
}

// cutProxy forwards TCP connections on 127.0.0.1 to target. cut closes the
// listener and every forwarded connection, as if the database went away;
// restore listens on the same address again.
type cutProxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener // nil while cut
	conns        []net.Conn
	wg           sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	p := &cutProxy{addr: "127.0.0.1:0", target: target}
	p.restore(t)
	t.Cleanup(func() {
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy listen on %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln { // cut while dialling
				p.mu.Unlock()
				c.Close()
				d.Close()
				continue
			}
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			p.wg.Go(func() { _, _ = io.Copy(d, c); d.Close() })
			p.wg.Go(func() { _, _ = io.Copy(c, d); c.Close() })
		}
	})
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
