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

// callKey names one query that names no ARN, and its arguments.
type callKey struct {
	query   byte
	a, b, c string
	n       int
}

// arnCallKey names one query about an ARN, filed under it, and its other
// arguments.
type arnCallKey struct {
	query byte
	a     string
	n     int
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

// packagesAnswer is one member's package states, or that it has none.
type packagesAnswer struct {
	packages []detective.PackageState
	ok       bool
}

// recording is the answers one read transaction got, filed as a snapshot
// files them.
type recording struct {
	calls map[callKey]answer
	arns  map[arn.ARN]*arnState
}

func newRecording() *recording {
	return &recording{calls: map[callKey]answer{}, arns: map[arn.ARN]*arnState{}}
}

// about returns the answers recorded about g.
func (r *recording) about(g arn.ARN) *arnState {
	gs := r.arns[g]
	if gs == nil {
		gs = &arnState{calls: map[arnCallKey]answer{}, members: map[detective.AccountID]*detective.Member{},
			packages: map[detective.AccountID]*packagesAnswer{}}
		r.arns[g] = gs
	}
	return gs
}

func keepable(err error) bool { return err == nil || detective.KindOf(err) == detective.KindNotFound }

func (r *recording) call(k callKey, val any, err error) {
	if keepable(err) {
		r.calls[k] = answer{val: val, err: err}
	}
}

func (r *recording) arnCall(g arn.ARN, k arnCallKey, val any, err error) {
	if keepable(err) {
		r.about(g).calls[k] = answer{val: val, err: err}
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

// snapshotTx answers from a snapshot's state. Its embedded fullTx is nil:
// a query it does not keep panics, and Store.serve takes that as a miss.
type snapshotTx struct {
	fullTx
	state *snapState
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

// about returns the answers about g, or stops the run as a miss. The
// reads served from memory ask about their graph once or twice, so its
// answers are looked up each time rather than remembered in t, which
// would make every read's t larger.
func (t *snapshotTx) about(g arn.ARN) *arnState {
	gs := t.state.arns[g]
	if gs == nil {
		panic(miss{})
	}
	return gs
}

// answerOf returns the answer to k, or stops the run as a miss.
func answerOf[T any](t *snapshotTx, k callKey, clone func(T) T) (T, error) {
	a, ok := t.state.calls[k]
	if !ok {
		panic(miss{})
	}
	return valueOf(a, clone)
}

// arnAnswerOf returns the answer to k about g, or stops the run as a miss.
func arnAnswerOf[T any](t *snapshotTx, g arn.ARN, k arnCallKey, clone func(T) T) (T, error) {
	a, ok := t.about(g).calls[k]
	if !ok {
		panic(miss{})
	}
	return valueOf(a, clone)
}

func valueOf[T any](a answer, clone func(T) T) (T, error) {
	v, _ := a.val.(T)
	return clone(v), a.err
}

func same[T any](v T) T { return v }

func graphKey() arnCallKey { return arnCallKey{query: queryGraph} }

func (t *snapshotTx) Graph(_ context.Context, g arn.ARN) (detective.Graph, error) {
	return arnAnswerOf(t, g, graphKey(), same[detective.Graph])
}

func (t *fillTx) Graph(ctx context.Context, g arn.ARN) (detective.Graph, error) {
	v, err := t.fullTx.Graph(ctx, g)
	t.rec.arnCall(g, graphKey(), v, err)
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

func listMembersKey(p detective.ListMembersParams) arnCallKey {
	return arnCallKey{query: queryListMembers, a: string(p.After), n: p.Limit}
}

// ListMembers copies the page kept, since the Service makes its members
// what they are at the time of the request in place; a copy of the
// structs, sharing their strings and package states, is all it needs.
func (t *snapshotTx) ListMembers(_ context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	return arnAnswerOf(t, p.Graph, listMembersKey(p), slices.Clone[[]detective.Member])
}

func (t *fillTx) ListMembers(ctx context.Context, p detective.ListMembersParams) ([]detective.Member, error) {
	v, err := t.fullTx.ListMembers(ctx, p)
	t.rec.arnCall(p.Graph, listMembersKey(p), slices.Clone(v), err)
	return v, err
}

// countMembersKey names the statuses left out without allocating for
// none or one, as the Service asks: one status is itself, several each
// end in a NUL, which no status holds.
func countMembersKey(except []detective.MemberStatus) arnCallKey {
	switch len(except) {
	case 0:
		return arnCallKey{query: queryCountMembers}
	case 1:
		return arnCallKey{query: queryCountMembers, a: string(except[0])}
	}
	var b strings.Builder
	for _, s := range except {
		b.WriteString(string(s))
		b.WriteByte(0)
	}
	return arnCallKey{query: queryCountMembers, a: b.String()}
}

func (t *snapshotTx) CountMembers(_ context.Context, g arn.ARN, except []detective.MemberStatus) (int, error) {
	return arnAnswerOf(t, g, countMembersKey(except), same[int])
}

func (t *fillTx) CountMembers(ctx context.Context, g arn.ARN, except []detective.MemberStatus) (int, error) {
	v, err := t.fullTx.CountMembers(ctx, g, except)
	t.rec.arnCall(g, countMembersKey(except), v, err)
	return v, err
}

func tagsKey() arnCallKey { return arnCallKey{query: queryTags} }

func (t *snapshotTx) Tags(_ context.Context, resource arn.ARN) (map[string]string, error) {
	return arnAnswerOf(t, resource, tagsKey(), maps.Clone[map[string]string])
}

func (t *fillTx) Tags(ctx context.Context, resource arn.ARN) (map[string]string, error) {
	v, err := t.fullTx.Tags(ctx, resource)
	t.rec.arnCall(resource, tagsKey(), maps.Clone(v), err)
	return v, err
}

func graphPackagesKey() arnCallKey { return arnCallKey{query: queryGraphPackages} }

func (t *snapshotTx) GraphPackages(_ context.Context, g arn.ARN) ([]detective.PackageState, error) {
	return arnAnswerOf(t, g, graphPackagesKey(), slices.Clone[[]detective.PackageState])
}

func (t *fillTx) GraphPackages(ctx context.Context, g arn.ARN) ([]detective.PackageState, error) {
	v, err := t.fullTx.GraphPackages(ctx, g)
	t.rec.arnCall(g, graphPackagesKey(), slices.Clone(v), err)
	return v, err
}

func investigationKey(id string) arnCallKey {
	return arnCallKey{query: queryInvestigation, a: id}
}

func (t *snapshotTx) Investigation(_ context.Context, g arn.ARN, id string) (detective.Investigation, error) {
	return arnAnswerOf(t, g, investigationKey(id), same[detective.Investigation])
}

func (t *fillTx) Investigation(ctx context.Context, g arn.ARN, id string) (detective.Investigation, error) {
	v, err := t.fullTx.Investigation(ctx, g, id)
	t.rec.arnCall(g, investigationKey(id), v, err)
	return v, err
}

func listInvestigationsKey() arnCallKey { return arnCallKey{query: queryListInvestigations} }

func (t *snapshotTx) ListInvestigations(_ context.Context, g arn.ARN) ([]detective.Investigation, error) {
	return arnAnswerOf(t, g, listInvestigationsKey(), slices.Clone[[]detective.Investigation])
}

func (t *fillTx) ListInvestigations(ctx context.Context, g arn.ARN) ([]detective.Investigation, error) {
	v, err := t.fullTx.ListInvestigations(ctx, g)
	t.rec.arnCall(g, listInvestigationsKey(), slices.Clone(v), err)
	return v, err
}

func orgAdminByGraphKey() arnCallKey { return arnCallKey{query: queryOrgAdminByGraph} }

func (t *snapshotTx) OrgAdminByGraph(_ context.Context, g arn.ARN) (detective.OrgAdmin, error) {
	return arnAnswerOf(t, g, orgAdminByGraphKey(), same[detective.OrgAdmin])
}

func (t *fillTx) OrgAdminByGraph(ctx context.Context, g arn.ARN) (detective.OrgAdmin, error) {
	v, err := t.fullTx.OrgAdminByGraph(ctx, g)
	t.rec.arnCall(g, orgAdminByGraphKey(), v, err)
	return v, err
}

// Members answers from each account's record, so that any set of accounts
// read before is answered, in the order asked, repeats included, as the
// stores answer.
func (t *snapshotTx) Members(_ context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	kept := t.about(g).members
	// The records found are gathered first, on the stack for a request's
	// at most 50 accounts, so that a miss allocates nothing and a hit
	// allocates once, at the right size.
	var buf [64]*detective.Member
	found := buf[:0]
	for _, id := range accounts {
		m, ok := kept[id]
		if !ok {
			panic(miss{})
		}
		if m != nil {
			found = append(found, m)
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	out := make([]detective.Member, len(found))
	for i, m := range found {
		out[i] = *m
	}
	return out, nil
}

func (t *fillTx) Members(ctx context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.Member, error) {
	ms, err := t.fullTx.Members(ctx, g, accounts)
	if err != nil {
		return ms, err
	}
	rec := t.rec.about(g).members
	for _, id := range accounts {
		rec[id] = nil
	}
	for _, m := range ms {
		rec[m.Account] = &m
	}
	return ms, nil
}

// MemberPackages answers from each account's states, once per account in
// the order asked, as the stores answer.
func (t *snapshotTx) MemberPackages(_ context.Context, g arn.ARN, accounts []detective.AccountID) ([]detective.MemberPackages, error) {
	kept := t.about(g).packages
	var out []detective.MemberPackages
	for i, id := range accounts {
		a, ok := kept[id]
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
	rec := t.rec.about(g).packages
	for _, id := range accounts {
		rec[id] = &packagesAnswer{}
	}
	for _, mp := range mps {
		rec[mp.Account] = &packagesAnswer{packages: slices.Clone(mp.Packages), ok: true}
	}
	return mps, nil
}
