package behavior

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Seen is when something was first and last seen, exactly.
type Seen struct {
	First, Last time.Time
}

func (s *Seen) add(t time.Time) {
	if s.First.IsZero() || t.Before(s.First) {
		s.First = t
	}
	if t.After(s.Last) {
		s.Last = t
	}
}

func (s *Seen) merge(o Seen) {
	s.add(o.First)
	s.add(o.Last)
}

// APICallRow is the calls of one entity in one hour with one (API, source
// IP, user agent) tuple.
type APICallRow struct {
	Graph       arn.ARN
	Entity      string
	Hour        time.Time
	EventSource string
	EventName   string
	SourceIP    string
	UserAgent   string
	Account     detective.AccountID
	Success     int64
	Failure     int64
	Seen
}

// EntityRow is an entity of a graph and when it was active.
type EntityRow struct {
	Graph   arn.ARN
	Entity  string
	Type    EntityType
	Account detective.AccountID
	Seen
}

// LinkRow relates two entities of a graph (From Relation To).
type LinkRow struct {
	Graph    arn.ARN
	From     string
	Relation Relation
	To       string
	Seen
}

// FlowRow is the traffic between one instance (or network interface) and
// one remote address on one local port in one hour.
type FlowRow struct {
	Graph      arn.ARN
	Instance   string // instance ID, else the network interface ID
	Hour       time.Time
	RemoteIP   string
	LocalPort  int
	Protocol   int
	Account    detective.AccountID
	BytesIn    int64
	BytesOut   int64
	PacketsIn  int64
	PacketsOut int64
	Accepted   int64 // records
	Rejected   int64
	Seen
}

// FindingRow is the latest version of a finding in a graph.
type FindingRow struct {
	Graph   arn.ARN
	Account detective.AccountID
	Region  string
	Finding Finding
}

// FindingEntityRow says a finding involves an entity. Entity keys are
// ARNs, IP addresses, instance IDs, access key IDs, bucket and cluster
// names as the finding names them.
type FindingEntityRow struct {
	Graph     arn.ARN
	Entity    string
	FindingID string
}

// K8sRow is one Kubernetes subject's requests in one hour with one (verb,
// resource, source IP, user agent) tuple.
type K8sRow struct {
	Graph     arn.ARN
	Cluster   string
	Subject   string
	Hour      time.Time
	Verb      string
	Resource  string
	SourceIP  string
	UserAgent string
	Account   detective.AccountID
	Success   int64
	Failure   int64
	Seen
}

// VolumeRow is raw bytes ingested into a graph for one account and
// package in one minute of ingest time.
type VolumeRow struct {
	Graph   arn.ARN
	Account detective.AccountID
	Package detective.DatasourcePackage
	Minute  time.Time
	Bytes   int64
	Last    time.Time // the last ingest in the minute
}

// KeyHash is the stored form of a Record.Key: its SHA-256, cut to 16
// bytes (a collision among 2^64 records is still unlikely), so that every
// key has the same small size whatever the source.
type KeyHash [16]byte

// HashKey returns key's KeyHash.
func HashKey(key string) KeyHash {
	sum := sha256.Sum256([]byte(key))
	return KeyHash(sum[:16])
}

// KeyRow claims one record for one graph.
type KeyRow struct {
	Graph arn.ARN
	Key   KeyHash
	At    time.Time // the record's event time: the same whenever it is read
}

// GraphKey is the number the stores key a graph's aggregates by instead
// of its ARN: the first 8 bytes of the ARN's SHA-256. It keeps every
// index entry short; graph IDs are random, so two graphs share a key with
// negligible probability.
func GraphKey(g arn.ARN) int64 {
	sum := sha256.Sum256([]byte(g.String()))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// Hour returns t's hour (UTC), the granularity of aggregates.
func Hour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

type apiCallKey struct {
	graph                             arn.ARN
	entity                            string
	hour                              int64
	source, name, sourceIP, userAgent string
}

type entityKey struct {
	graph  arn.ARN
	entity string
}

type linkKey struct {
	graph    arn.ARN
	from, to string
	relation Relation
}

type flowKey struct {
	graph            arn.ARN
	instance, remote string
	hour             int64
	port, protocol   int
}

type k8sKey struct {
	graph                               arn.ARN
	cluster, subject                    string
	hour                                int64
	verb, resource, sourceIP, userAgent string
}

type volumeKey struct {
	graph   arn.ARN
	account detective.AccountID
	pkg     detective.DatasourcePackage
	minute  int64
}

// Batch is the aggregates of many records, collapsed in memory (many
// records of an hour make one row) and written to a Store in one
// transaction. The zero Batch is not ready: use NewBatch.
type Batch struct {
	apiCalls map[apiCallKey]*APICallRow
	entities map[entityKey]*EntityRow
	links    map[linkKey]*LinkRow
	ips      map[string]IPInfo
	flows    map[flowKey]*FlowRow
	findings map[entityKey]*FindingRow // entity = finding ID
	fEnts    map[FindingEntityRow]struct{}
	k8s      map[k8sKey]*K8sRow
	volume   map[volumeKey]*VolumeRow
	records  int64
}

// NewBatch returns an empty Batch.
func NewBatch() *Batch {
	return &Batch{
		apiCalls: make(map[apiCallKey]*APICallRow),
		entities: make(map[entityKey]*EntityRow),
		links:    make(map[linkKey]*LinkRow),
		ips:      make(map[string]IPInfo),
		flows:    make(map[flowKey]*FlowRow),
		findings: make(map[entityKey]*FindingRow),
		fEnts:    make(map[FindingEntityRow]struct{}),
		k8s:      make(map[k8sKey]*K8sRow),
		volume:   make(map[volumeKey]*VolumeRow),
	}
}

// Records is how many records were added.
func (b *Batch) Records() int64 { return b.records }

// Add counts r, ingested at now, into graph g's aggregates.
func (b *Batch) Add(g arn.ARN, r *Record, now time.Time) {
	b.records++
	vk := volumeKey{g, r.Account, r.Package, now.UTC().Truncate(time.Minute).UnixMilli()}
	v := b.volume[vk]
	if v == nil {
		v = &VolumeRow{Graph: g, Account: r.Account, Package: r.Package, Minute: time.UnixMilli(vk.minute).UTC()}
		b.volume[vk] = v
	}
	v.Bytes += r.Size
	if now.After(v.Last) {
		v.Last = now
	}
	switch {
	case r.Kind == KindAPICall && r.API != nil:
		b.addAPICall(g, r)
	case r.Kind == KindFlow && r.Flow != nil:
		b.addFlow(g, r)
	case r.Kind == KindFinding && r.Finding != nil:
		b.addFinding(g, r)
	case r.Kind == KindK8s && r.K8s != nil:
		b.addK8s(g, r)
	}
}

// AddIP records the enrichment of an address.
func (b *Batch) AddIP(info IPInfo) { b.ips[info.IP] = info }

func (b *Batch) addAPICall(g arn.ARN, r *Record) {
	a := r.API
	hour := Hour(r.Time)
	ps := Principals(a, r.Account)
	for _, p := range ps {
		k := apiCallKey{g, p.Entity, hour.UnixMilli(), a.EventSource, a.EventName, a.SourceIP, a.UserAgent}
		row := b.apiCalls[k]
		if row == nil {
			row = &APICallRow{Graph: g, Entity: p.Entity, Hour: hour, EventSource: a.EventSource,
				EventName: a.EventName, SourceIP: a.SourceIP, UserAgent: a.UserAgent, Account: r.Account}
			b.apiCalls[k] = row
		}
		if a.ErrorCode == "" {
			row.Success++
		} else {
			row.Failure++
		}
		row.add(r.Time)
		b.addEntity(g, p.Entity, p.Type, r.Account, r.Time)
	}
	if len(ps) == 2 {
		rel := RelationSessionOf
		if ps[0].Type == EntityFederatedUser {
			rel = RelationIssuedBy
		}
		b.addLink(g, ps[0].Entity, rel, ps[1].Entity, r.Time)
	}
}

func (b *Batch) addEntity(g arn.ARN, entity string, typ EntityType, account detective.AccountID, t time.Time) {
	k := entityKey{g, entity}
	e := b.entities[k]
	if e == nil {
		e = &EntityRow{Graph: g, Entity: entity, Type: typ, Account: account}
		b.entities[k] = e
	}
	e.add(t)
}

func (b *Batch) addLink(g arn.ARN, from string, rel Relation, to string, t time.Time) {
	k := linkKey{g, from, to, rel}
	l := b.links[k]
	if l == nil {
		l = &LinkRow{Graph: g, From: from, Relation: rel, To: to}
		b.links[k] = l
	}
	l.add(t)
}

func (b *Batch) addFlow(g arn.ARN, r *Record) {
	f := r.Flow
	instance := f.InstanceID
	if instance == "" || instance == "-" {
		instance = f.InterfaceID
	}
	in := inbound(f)
	remote, port := f.SrcAddr, f.DstPort
	if !in {
		remote, port = f.DstAddr, f.SrcPort
	}
	hour := Hour(r.Time)
	k := flowKey{g, instance, remote, hour.UnixMilli(), port, f.Protocol}
	row := b.flows[k]
	if row == nil {
		row = &FlowRow{Graph: g, Instance: instance, Hour: hour, RemoteIP: remote, LocalPort: port,
			Protocol: f.Protocol, Account: r.Account}
		b.flows[k] = row
	}
	if in {
		row.BytesIn += f.Bytes
		row.PacketsIn += f.Packets
	} else {
		row.BytesOut += f.Bytes
		row.PacketsOut += f.Packets
	}
	if f.Action == "REJECT" {
		row.Rejected++
	} else {
		row.Accepted++
	}
	row.add(r.Time)
	if !f.End.IsZero() {
		row.add(f.End)
	}
	b.addEntity(g, instance, EntityInstance, r.Account, r.Time)
}

// inbound reports whether a flow record is traffic into its interface.
// Version 5 logs say so (flow-direction); otherwise a private source
// talking to a public destination is taken as outbound, and anything else
// as inbound.
func inbound(f *Flow) bool {
	switch f.FlowDirection {
	case "ingress":
		return true
	case "egress":
		return false
	}
	_, srcPublic := publicAddr(f.SrcAddr)
	_, dstPublic := publicAddr(f.DstAddr)
	return !(dstPublic && !srcPublic)
}

func (b *Batch) addFinding(g arn.ARN, r *Record) {
	f := r.Finding
	k := entityKey{g, f.ID}
	if old := b.findings[k]; old == nil || f.UpdatedAt.After(old.Finding.UpdatedAt) {
		b.findings[k] = &FindingRow{Graph: g, Account: r.Account, Region: r.Region, Finding: *f}
	}
	for _, list := range [][]string{f.PrincipalARNs, f.AccessKeyIDs, f.UserNames, f.RemoteIPs, f.InstanceIDs, f.Buckets, f.Clusters} {
		for _, e := range list {
			if e != "" {
				b.fEnts[FindingEntityRow{Graph: g, Entity: e, FindingID: f.ID}] = struct{}{}
			}
		}
	}
}

func (b *Batch) addK8s(g arn.ARN, r *Record) {
	e := r.K8s
	hour := Hour(r.Time)
	resource := e.Resource
	if e.Subresource != "" {
		resource += "/" + e.Subresource
	}
	sourceIP := ""
	if len(e.SourceIPs) > 0 {
		sourceIP = e.SourceIPs[0]
	}
	k := k8sKey{g, e.Cluster, e.Username, hour.UnixMilli(), e.Verb, resource, sourceIP, e.UserAgent}
	row := b.k8s[k]
	if row == nil {
		row = &K8sRow{Graph: g, Cluster: e.Cluster, Subject: e.Username, Hour: hour, Verb: e.Verb,
			Resource: resource, SourceIP: sourceIP, UserAgent: e.UserAgent, Account: r.Account}
		b.k8s[k] = row
	}
	if e.ResponseCode >= 400 {
		row.Failure++
	} else {
		row.Success++
	}
	row.add(r.Time)
}

// The rows of a Batch, each sorted by its key (the most selective column
// first, which sorts fastest), so that concurrent writers take row locks
// in one order and cannot deadlock, and a store writes neighbouring rows
// one after the other.

// APICalls returns the API-call rows.
func (b *Batch) APICalls() []APICallRow {
	// cmp.Or would evaluate every comparison; this is the hot sort, so
	// it stops at the first difference.
	return sortedRows(b.apiCalls, func(a, b *APICallRow) int {
		if c := strings.Compare(a.Entity, b.Entity); c != 0 {
			return c
		}
		if c := a.Hour.Compare(b.Hour); c != 0 {
			return c
		}
		if c := strings.Compare(a.EventName, b.EventName); c != 0 {
			return c
		}
		if c := strings.Compare(a.EventSource, b.EventSource); c != 0 {
			return c
		}
		if c := strings.Compare(a.SourceIP, b.SourceIP); c != 0 {
			return c
		}
		if c := strings.Compare(a.UserAgent, b.UserAgent); c != 0 {
			return c
		}
		return compareARN(a.Graph, b.Graph)
	})
}

// Entities returns the entity rows.
func (b *Batch) Entities() []EntityRow {
	return sortedRows(b.entities, func(a, b *EntityRow) int {
		return cmp.Or(strings.Compare(a.Entity, b.Entity), compareARN(a.Graph, b.Graph))
	})
}

// Links returns the link rows.
func (b *Batch) Links() []LinkRow {
	return sortedRows(b.links, func(a, b *LinkRow) int {
		return cmp.Or(compareARN(a.Graph, b.Graph), strings.Compare(a.From, b.From),
			strings.Compare(string(a.Relation), string(b.Relation)), strings.Compare(a.To, b.To))
	})
}

// IPs returns the enrichments, by address.
func (b *Batch) IPs() []IPInfo {
	out := make([]IPInfo, 0, len(b.ips))
	for _, v := range b.ips {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b IPInfo) int { return strings.Compare(a.IP, b.IP) })
	return out
}

// Flows returns the flow rows.
func (b *Batch) Flows() []FlowRow {
	return sortedRows(b.flows, func(a, b *FlowRow) int {
		return cmp.Or(strings.Compare(a.Instance, b.Instance),
			a.Hour.Compare(b.Hour), strings.Compare(a.RemoteIP, b.RemoteIP), cmp.Compare(a.LocalPort, b.LocalPort),
			cmp.Compare(a.Protocol, b.Protocol), compareARN(a.Graph, b.Graph))
	})
}

// Findings returns the latest version of each finding.
func (b *Batch) Findings() []FindingRow {
	return sortedRows(b.findings, func(a, b *FindingRow) int {
		return cmp.Or(strings.Compare(a.Finding.ID, b.Finding.ID), compareARN(a.Graph, b.Graph))
	})
}

// FindingEntities returns the entities of the findings.
func (b *Batch) FindingEntities() []FindingEntityRow {
	out := make([]FindingEntityRow, 0, len(b.fEnts))
	for k := range b.fEnts {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b FindingEntityRow) int {
		return cmp.Or(strings.Compare(a.Entity, b.Entity),
			strings.Compare(a.FindingID, b.FindingID), compareARN(a.Graph, b.Graph))
	})
	return out
}

// K8s returns the Kubernetes audit rows.
func (b *Batch) K8s() []K8sRow {
	return sortedRows(b.k8s, func(a, b *K8sRow) int {
		return cmp.Or(strings.Compare(a.Cluster, b.Cluster),
			strings.Compare(a.Subject, b.Subject), a.Hour.Compare(b.Hour), strings.Compare(a.Verb, b.Verb),
			strings.Compare(a.Resource, b.Resource), strings.Compare(a.SourceIP, b.SourceIP), strings.Compare(a.UserAgent, b.UserAgent), compareARN(a.Graph, b.Graph))
	})
}

// Volume returns the volume rows.
func (b *Batch) Volume() []VolumeRow {
	return sortedRows(b.volume, func(a, b *VolumeRow) int {
		return cmp.Or(compareARN(a.Graph, b.Graph), strings.Compare(string(a.Account), string(b.Account)),
			strings.Compare(string(a.Package), string(b.Package)), a.Minute.Compare(b.Minute))
	})
}

func sortedRows[K comparable, R any](m map[K]*R, cmpRows func(a, b *R) int) []R {
	ptrs := make([]*R, 0, len(m))
	for _, r := range m {
		ptrs = append(ptrs, r)
	}
	slices.SortFunc(ptrs, cmpRows)
	out := make([]R, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

func compareARN(a, b arn.ARN) int {
	return cmp.Or(strings.Compare(a.Partition, b.Partition), strings.Compare(a.Service, b.Service),
		strings.Compare(a.Region, b.Region), strings.Compare(a.Account, b.Account), strings.Compare(a.Resource, b.Resource))
}
