package readmodel

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// The queries kept are those the read operations make (graphs, members,
// package states, tags, investigations, the organization behavior graph
// of a graph); the others, and the member records of several graphs
// (ListMemberships), always go to the database. Answers are returned as
// copies, so a caller that changes a slice or map it got changes nothing
// here; the package states inside members are shared, and the Service
// replaces them rather than changing them.

// callKey names one query and its arguments.
type callKey struct {
	query   byte
	graph   arn.ARN
	a, b, c string
	n       int
}

const (
	queryGraph byte = iota + 1
	queryGraphByAdmin
	queryListGraphs
	queryListMembers
	queryCountMembers
	queryTags
	queryGraphPackages
	queryInvestigation
	queryListInvestigations
	queryOrgAdminByGraph
)

// answer is a query's result; err is nil or of KindNotFound, the only
// errors that are facts about the data rather than about the call.
type answer struct {
	val any
	err error
}

type memberKey struct {
	graph   arn.ARN
	account detective.AccountID
}

// memberAnswer is one account's record in a graph, or that it has none.
type memberAnswer struct {
	member detective.Member
	ok     bool
}

// packagesAnswer is one member's package states, or that it has none.
type packagesAnswer struct {
	packages []detective.PackageState
	ok       bool
}

// recording is the answers one read transaction got.
type recording struct {
	calls    map[callKey]answer
	members  map[memberKey]memberAnswer
	packages map[memberKey]packagesAnswer
}

func newRecording() *recording {
	return &recording{calls: map[callKey]answer{}, members: map[memberKey]memberAnswer{}, packages: map[memberKey]packagesAnswer{}}
}

func keepable(err error) bool { return err == nil || detective.KindOf(err) == detective.KindNotFound }

func (r *recording) call(k callKey, val any, err error) {
	if keepable(err) {
		r.calls[k] = answer{val: val, err: err}
	}
}

// fullTx is what both stores' transactions are: Detective's queries, the
// whole world's and the measured volume. The read model's transactions
// are fullTx too, so that a caller's type assertions (the Service's for
// VolumeReader, the conformance suite's) see what they would see without
// it.
type fullTx interface {
	detective.Tx
	world.Tx
	detective.VolumeReader
}

// snapshotTx answers from a snapshot. Its embedded fullTx is nil: a query
// it does not keep panics, and Store.serve takes that as a miss.
type snapshotTx struct {
	fullTx
	snap  *snapshot
	store *Store
	// volumeVersion is the volume version read with the data version,
	// "" if it was not (or a write of volume was under way).
	volumeVersion string
}

// MeasuredVolume answers from the volume kept under the current volume
// version: it is data of its own, not Detective's, so reading it beside
// the snapshot is as exact as reading it in the transaction, where
// ingestion may have added to it just the same.
func (t *snapshotTx) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	if t.store.volume == nil {
		panic(miss{})
	}
	return t.store.measuredVolume(ctx, t.volumeVersion, graph, accounts, since)
}

// fillTx asks the database and records the answers.
type fillTx struct {
	fullTx
	rec           *recording
	store         *Store
	volumeVersion string // as in snapshotTx
}

// MeasuredVolume answers from the volume kept, as snapshotTx does, when
// all of it is kept, and otherwise in the transaction: asking the store
// on another connection while this one is held could wait for a
// connection forever if every one were held so.
func (t *fillTx) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	if t.store.volume != nil && t.volumeVersion != "" {
		if out, ok := t.store.keptVolume(t.volumeVersion, graph, accounts, since); ok {
			return out, nil
		}
	}
	return t.fullTx.MeasuredVolume(ctx, graph, accounts, since)
}

// lookup returns the answer to k, or stops the run as a miss.
func (t *snapshotTx) lookup(k callKey) answer {
	t.snap.mu.RLock()
	a, ok := t.snap.calls[k]
	t.snap.mu.RUnlock()
	if !ok {
		panic(miss{})
	}
	return a
}

func answerOf[T any](t *snapshotTx, k callKey, clone func(T) T) (T, error) {
	a := t.lookup(k)
	v, _ := a.val.(T)
	return clone(v), a.err
}

func same[T any](v T) T { return v }

func graphKey(g arn.ARN) callKey { return callKey{query: queryGraph, graph: g} }

func (t *snapshotTx) Graph(_ context.Context, g arn.ARN) (detective.Graph, error) {
	return answerOf(t, graphKey(g), same[detective.Graph])
}

func (t *fillTx) Graph(ctx context.Context, g arn.ARN) (detective.Graph, error) {
	v, err := t.fullTx.Graph(ctx, g)
	t.rec.call(graphKey(g), v, err)
	return v, err
}

func graphByAdminKey(admin detective.AccountID, region string) callKey {
	return callKey{query: queryGraphByAdmin, a: string(admin), b: region}
}

func (t *snapshotTx) GraphByAdmin(_ context.Context, admin detective.AccountID, region string) (detective.Graph, error) {
	return answerOf(t, graphByAdminKey(admin, region), same[detective.Graph])
}

func (t *fillTx) GraphByAdmin(ctx context.Context, admin detective.AccountID, region string) (detective.Graph, error) {
	v, err := t.fullTx.GraphByAdmin(ctx, admin, region)
	t.rec.call(graphByAdminKey(admin, region), v, err)
	return v, err
}

func listGraphsKey(p detective.ListGraphsParams) callKey {
	return callKey{query: queryListGraphs, a: string(p.Admin), b: p.Region, c: p.After, n: p.Limit}
}

func (t *snapshotTx) ListGraphs(_ context.Context, p detective.ListGraphsParams) ([]detective.Graph, error) {
	return answerOf(t, listGraphsKey(p), slices.Clone[[]detective.Graph])
}

func (t *fillTx) ListGraphs(ctx context.Context, p detective.ListGraphsParams) ([]detective.Graph, error) {
	v, err := t.fullTx.ListGraphs(ctx, p)
	t.rec.call(listGraphsKey(p), slices.Clone(v), err)
	return v, err
}

func listMembersKey(p detective.ListMembersParams) callKey {
	return callKey{query: queryListMembers, graph: p.Graph, a: string(p.After), n: p.Limit}
}

func (t *snapshotTx) ListMembers(_ context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	return answerOf(t, listMembersKey(p), slices.Clone[[]detective.Member])
}

func (t *fillTx) ListMembers(ctx context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	v, err := t.fullTx.ListMembers(ctx, p)
	t.rec.call(listMembersKey(p), slices.Clone(v), err)
	return v, err
}

func countMembersKey(g arn.ARN, except []detective.MemberStatus) callKey {
	var b strings.Builder
	for _, s := range except {
		b.WriteString(string(s))
		b.WriteByte(0)
	}
	return callKey{query: queryCountMembers, graph: g, a: b.String()}
}

func (t *snapshotTx) CountMembers(_ context.Context, g arn.ARN, except []detective.MemberStatus) (int, error) {
	return answerOf(t, countMembersKey(g, except), same[int])
}

func (t *fillTx) CountMembers(ctx context.Context, g arn.ARN, except []detective.MemberStatus) (int, error) {
	v, err := t.fullTx.CountMembers(ctx, g, except)
	t.rec.call(countMembersKey(g, except), v, err)
	return v, err
}

func tagsKey(resource arn.ARN) callKey { return callKey{query: queryTags, graph: resource} }

func (t *snapshotTx) Tags(_ context.Context, resource arn.ARN) (map[string]string, error) {
	return answerOf(t, tagsKey(resource), maps.Clone[map[string]string])
}

func (t *fillTx) Tags(ctx context.Context, resource arn.ARN) (map[string]string, error) {
	v, err := t.fullTx.Tags(ctx, resource)
	t.rec.call(tagsKey(resource), maps.Clone(v), err)
	return v, err
}

func graphPackagesKey(g arn.ARN) callKey { return callKey{query: queryGraphPackages, graph: g} }

func (t *snapshotTx) GraphPackages(_ context.Context, g arn.ARN) ([]detective.PackageState, error) {
	return answerOf(t, graphPackagesKey(g), slices.Clone[[]detective.PackageState])
}

func (t *fillTx) GraphPackages(ctx context.Context, g arn.ARN) ([]detective.PackageState, error) {
	v, err := t.fullTx.GraphPackages(ctx, g)
	t.rec.call(graphPackagesKey(g), slices.Clone(v), err)
	return v, err
}

func investigationKey(g arn.ARN, id string) callKey {
	return callKey{query: queryInvestigation, graph: g, a: id}
}

func (t *snapshotTx) Investigation(_ context.Context, g arn.ARN, id string) (detective.Investigation, error) {
	return answerOf(t, investigationKey(g, id), same[detective.Investigation])
}

func (t *fillTx) Investigation(ctx context.Context, g arn.ARN, id string) (detective.Investigation, error) {
	v, err := t.fullTx.Investigation(ctx, g, id)
	t.rec.call(investigationKey(g, id), v, err)
	return v, err
}

func listInvestigationsKey(g arn.ARN) callKey {
	return callKey{query: queryListInvestigations, graph: g}
}

func (t *snapshotTx) ListInvestigations(_ context.Context, g arn.ARN) ([]detective.Investigation, error) {
	return answerOf(t, listInvestigationsKey(g), slices.Clone[[]detective.Investigation])
}

func (t *fillTx) ListInvestigations(ctx context.Context, g arn.ARN) ([]detective.Investigation, error) {
	v, err := t.fullTx.ListInvestigations(ctx, g)
	t.rec.call(listInvestigationsKey(g), slices.Clone(v), err)
	return v, err
}

func orgAdminByGraphKey(g arn.ARN) callKey { return callKey{query: queryOrgAdminByGraph, graph: g} }

func (t *snapshotTx) OrgAdminByGraph(_ context.Context, g arn.ARN) (detective.OrgAdmin, error) {
	return answerOf(t, orgAdminByGraphKey(g), same[detective.OrgAdmin])
}

func (t *fillTx) OrgAdminByGraph(ctx context.Context, g arn.ARN) (detective.OrgAdmin, error) {
	v, err := t.fullTx.OrgAdminByGraph(ctx, g)
	t.rec.call(orgAdminByGraphKey(g), v, err)
	return v, err
}

// Members answers from each account's record, so that any set of accounts
// read before is answered, in the order asked, repeats included, as the
// stores answer.
func (t *snapshotTx) Members(_ context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	t.snap.mu.RLock()
	defer t.snap.mu.RUnlock()
	out := make([]detective.Member, 0, len(accounts))
	for _, id := range accounts {
		a, ok := t.snap.members[memberKey{g, id}]
		if !ok {
			panic(miss{})
		}
		if a.ok {
			out = append(out, a.member)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (t *fillTx) Members(ctx context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	ms, err := t.fullTx.Members(ctx, g, accounts)
	if err != nil {
		return ms, err
	}
	for _, id := range accounts {
		t.rec.members[memberKey{g, id}] = memberAnswer{}
	}
	for _, m := range ms {
		t.rec.members[memberKey{g, m.Account}] = memberAnswer{member: m, ok: true}
	}
	return ms, nil
}

// MemberPackages answers from each account's states, once per account in
// the order asked, as the stores answer.
func (t *snapshotTx) MemberPackages(_ context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	t.snap.mu.RLock()
	defer t.snap.mu.RUnlock()
	var out []detective.MemberPackages
	for i, id := range accounts {
		a, ok := t.snap.packages[memberKey{g, id}]
		if !ok {
			panic(miss{})
		}
		if a.ok && !slices.Contains(accounts[:i], id) {
			out = append(out, detective.MemberPackages{Account: id, Packages: slices.Clone(a.packages)})
		}
	}
	return out, nil
}

func (t *fillTx) MemberPackages(ctx context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	mps, err := t.fullTx.MemberPackages(ctx, g, accounts)
	if err != nil {
		return mps, err
	}
	for _, id := range accounts {
		t.rec.packages[memberKey{g, id}] = packagesAnswer{}
	}
	for _, mp := range mps {
		t.rec.packages[memberKey{g, mp.Account}] = packagesAnswer{packages: slices.Clone(mp.Packages), ok: true}
	}
	return mps, nil
}
