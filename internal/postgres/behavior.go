package postgres

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

var _ behavior.Store = (*Store)(nil)

// Routes implements behavior.Store.
func (s *Store) Routes(ctx context.Context, account detective.AccountID, region string) ([]behavior.Membership, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	var ms []behavior.Membership
	rows, _ := s.pool.Query(ctx, `SELECT g.arn, p.package, p.state FROM graphs g
		LEFT JOIN graph_packages p ON p.graph_arn = g.arn WHERE g.admin = $1 AND g.region = $2 ORDER BY g.arn`,
		string(account), region)
	var g string
	var pkg, state *string
	_, err := pgx.ForEachRow(rows, []any{&g, &pkg, &state}, func() error {
		a, err := arn.Parse(g)
		if err != nil {
			return err
		}
		if len(ms) == 0 || ms[len(ms)-1].Graph != a {
			ms = append(ms, behavior.Membership{Graph: a, Admin: true})
		}
		if pkg != nil {
			m := &ms[len(ms)-1]
			m.Packages = append(m.Packages, detective.PackageState{Package: detective.DatasourcePackage(*pkg),
				State: detective.IngestState(*state)})
		}
		return nil
	})
	if err != nil {
		return nil, wrap("routes", err)
	}
	for _, m := range ms {
		detective.SortPackages(m.Packages)
	}
	rows, _ = s.pool.Query(ctx, `SELECT m.graph_arn, m.status, m.verified_time, m.packages FROM members m
		JOIN graphs g ON g.arn = m.graph_arn WHERE m.account_id = $1 AND g.region = $2 ORDER BY m.graph_arn`,
		string(account), region)
	var status, packages string
	var verified time.Time
	_, err = pgx.ForEachRow(rows, []any{&g, &status, &verified, &packages}, func() error {
		a, err := arn.Parse(g)
		if err != nil {
			return err
		}
		ps, err := columncodec.DecodePackages(packages)
		if err != nil {
			return err
		}
		ms = append(ms, behavior.Membership{Graph: a, Status: detective.MemberStatus(status),
			VerifiedTime: verified.UTC(), Packages: ps})
		return nil
	})
	if err != nil {
		return nil, wrap("routes", err)
	}
	return ms, nil
}

// IngestBatch implements behavior.Store: one READ COMMITTED transaction.
// Concurrent batches meet only on rows they both write: a key claimed by
// another open transaction waits for it, and aggregate upserts add to
// whatever the row holds when they get its lock.
func (s *Store) IngestBatch(ctx context.Context, fn func(behavior.IngestTx) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	t, err := s.begin(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite})
	if err != nil {
		return wrap("begin", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = t.Rollback(rctx) // after Commit a no-op; before it, fn's error says why
	}()
	if err := fn(&ingestTx{tx: t}); err != nil {
		return err
	}
	if err := t.Commit(ctx); err != nil {
		return wrap("commit", err)
	}
	return nil
}

// ingestTx is behavior.IngestTx on one pgx transaction. Each statement
// takes its rows as arrays, one per column, expanded by unnest: one round
// trip per statement whatever the batch size.
type ingestTx struct {
	tx pgx.Tx
}

// ClaimKeys implements behavior.IngestTx. Keys are inserted in one order
// (graph key, event time, key) so that two transactions claiming overlapping keys wait
// for each other rather than deadlock.
func (t *ingestTx) ClaimKeys(ctx context.Context, keys []behavior.KeyRow) ([]bool, error) {
	type claim struct {
		graph int64
		key   behavior.KeyHash
		at    int64
		i     int
	}
	cs := make([]claim, len(keys))
	for i, k := range keys {
		cs[i] = claim{behavior.GraphKey(k.Graph), k.Key, k.At.UnixMilli(), i}
	}
	slices.SortFunc(cs, func(a, b claim) int {
		return cmp.Or(cmp.Compare(a.graph, b.graph), cmp.Compare(a.at, b.at), bytes.Compare(a.key[:], b.key[:]))
	})
	graphs, ks, ats := make([]int64, len(cs)), make([][]byte, len(cs)), make([]int64, len(cs))
	index := make(map[claimKey]int, len(cs))
	for j, c := range cs {
		graphs[j], ks[j], ats[j] = c.graph, c.key[:], c.at
		if _, twice := index[claimKey{c.graph, c.at, c.key}]; !twice || c.i < index[claimKey{c.graph, c.at, c.key}] {
			index[claimKey{c.graph, c.at, c.key}] = c.i // the first of the same key twice claims it
		}
	}
	fresh := make([]bool, len(keys))
	rows, _ := t.tx.Query(ctx, `INSERT INTO behavior_keys (graph_key, at, key)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])
		ON CONFLICT DO NOTHING RETURNING graph_key, at, key`, graphs, ats, ks)
	var g, h int64
	var k []byte
	_, err := pgx.ForEachRow(rows, []any{&g, &h, &k}, func() error {
		ck := claimKey{graph: g, at: h}
		copy(ck.key[:], k)
		if i, ok := index[ck]; ok {
			fresh[i] = true
		}
		return nil
	})
	if err != nil {
		return nil, wrap("claim keys", err)
	}
	return fresh, nil
}

type claimKey struct {
	graph, at int64
	key       behavior.KeyHash
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// Put implements behavior.IngestTx: every table's upsert in one batch, one
// round trip.
func (t *ingestTx) Put(ctx context.Context, b *behavior.Batch) error {
	batch := &pgx.Batch{}
	keys := map[arn.ARN]int64{}
	gk := func(g arn.ARN) int64 {
		k, ok := keys[g]
		if !ok {
			k = behavior.GraphKey(g)
			keys[g] = k
		}
		return k
	}
	calls := b.APICalls()
	queueAPICalls(batch, calls, gk)
	queueAccountSources(batch, behavior.SourceRows(calls), gk)
	queueEntities(batch, b.Entities(), gk)
	queueLinks(batch, b.Links(), gk)
	queueIPs(batch, b.IPs(), gk)
	queueFlows(batch, b.Flows(), gk)
	if err := queueFindings(batch, b.Findings(), gk); err != nil {
		return err
	}
	queueFindingEntities(batch, b.FindingEntities(), gk)
	queueK8s(batch, b.K8s(), gk)
	queueVolume(batch, b.Volume(), gk)
	if batch.Len() == 0 {
		return nil
	}
	if err := t.tx.SendBatch(ctx, batch).Close(); err != nil {
		return wrap("put aggregates", err)
	}
	return nil
}

// The queueX functions queue the upsert of a batch's rows of one table,
// if it has any, each column an array.

func queueAccountSources(batch *pgx.Batch, rows []behavior.SourceRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, acct, day, kind, value := make([]int64, n), make([]string, n), make([]int64, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		g[i], acct[i], day[i], kind[i], value[i] = gk(r.Graph), string(r.Account), ms(r.Day), string(r.Kind), r.Value
	}
	batch.Queue(`INSERT INTO behavior_account_sources (graph_key, account_id, day, kind, value)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[])
		ON CONFLICT DO NOTHING`, g, acct, day, kind, value)
}

func queueAPICalls(batch *pgx.Batch, rows []behavior.APICallRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, ent, hour, src, name, ip, ua, acct := make([]int64, n), make([]string, n), make([]int64, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	succ, fail, first, last := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], ent[i], hour[i], src[i], name[i], ip[i], ua[i], acct[i] = gk(r.Graph), r.Entity, ms(r.Hour),
			r.EventSource, r.EventName, r.SourceIP, r.UserAgent, string(r.Account)
		succ[i], fail[i], first[i], last[i] = r.Success, r.Failure, ms(r.First), ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_api_calls AS t (graph_key, entity, hour, event_source, event_name,
		source_ip, user_agent, account_id, success, failure, first_seen, last_seen)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[])
		ON CONFLICT (graph_key, entity, hour, event_source, event_name, source_ip, user_agent) DO UPDATE SET
		success = t.success + excluded.success, failure = t.failure + excluded.failure,
		first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)`,
		g, ent, hour, src, name, ip, ua, acct, succ, fail, first, last)
}

func queueEntities(batch *pgx.Batch, rows []behavior.EntityRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, ent, typ, acct, first, last := make([]int64, n), make([]string, n), make([]string, n), make([]string, n),
		make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], ent[i], typ[i], acct[i], first[i], last[i] = gk(r.Graph), r.Entity, string(r.Type),
			string(r.Account), ms(r.First), ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_entities AS t (graph_key, entity, type, account_id, first_seen, last_seen)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
		ON CONFLICT (graph_key, entity) DO UPDATE SET
		first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)`,
		g, ent, typ, acct, first, last)
}

func queueLinks(batch *pgx.Batch, rows []behavior.LinkRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, from, rel, to, first, last := make([]int64, n), make([]string, n), make([]string, n), make([]string, n),
		make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], from[i], rel[i], to[i], first[i], last[i] = gk(r.Graph), r.From, string(r.Relation), r.To,
			ms(r.First), ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_links AS t (graph_key, from_entity, relation, to_entity, first_seen, last_seen)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
		ON CONFLICT (graph_key, from_entity, relation, to_entity) DO UPDATE SET
		first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)`,
		g, from, rel, to, first, last)
}

func queueIPs(batch *pgx.Batch, rows []behavior.IPInfo, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	ip := make([]string, n)
	city, reg, country, code, aso := make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
	lat, lon, asn := make([]*float64, n), make([]*float64, n), make([]*int64, n)
	for i, r := range rows {
		ip[i] = r.IP
		if l := r.Location; l != nil {
			city[i], reg[i], country[i], code[i], lat[i], lon[i] = &l.City, &l.Region, &l.Country, &l.CountryCode, &l.Latitude, &l.Longitude
		}
		if a := r.ASO; a != nil {
			number := int64(a.Number)
			asn[i], aso[i] = &number, &a.Organization
		}
	}
	batch.Queue(`INSERT INTO behavior_ips (ip, city, region, country, country_code, latitude, longitude, asn, aso)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
			$8::bigint[], $9::text[])
		ON CONFLICT (ip) DO NOTHING`, ip, city, reg, country, code, lat, lon, asn, aso)
}

func queueFlows(batch *pgx.Batch, rows []behavior.FlowRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, inst, hour, remote, port, proto, acct := make([]int64, n), make([]string, n), make([]int64, n), make([]string, n),
		make([]int64, n), make([]int64, n), make([]string, n)
	bin, bout, pin, pout, acc, rej, first, last := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], inst[i], hour[i], remote[i], port[i], proto[i], acct[i] = gk(r.Graph), r.Instance, ms(r.Hour),
			r.RemoteIP, int64(r.LocalPort), int64(r.Protocol), string(r.Account)
		bin[i], bout[i], pin[i], pout[i], acc[i], rej[i], first[i], last[i] = r.BytesIn, r.BytesOut, r.PacketsIn,
			r.PacketsOut, r.Accepted, r.Rejected, ms(r.First), ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_flows AS t (graph_key, instance, hour, remote_ip, local_port, protocol,
		account_id, bytes_in, bytes_out, packets_in, packets_out, accepted, rejected, first_seen, last_seen)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],
			$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[])
		ON CONFLICT (graph_key, instance, hour, remote_ip, local_port, protocol) DO UPDATE SET
		bytes_in = t.bytes_in + excluded.bytes_in, bytes_out = t.bytes_out + excluded.bytes_out,
		packets_in = t.packets_in + excluded.packets_in, packets_out = t.packets_out + excluded.packets_out,
		accepted = t.accepted + excluded.accepted, rejected = t.rejected + excluded.rejected,
		first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)`,
		g, inst, hour, remote, port, proto, acct, bin, bout, pin, pout, acc, rej, first, last)
}

func queueFindings(batch *pgx.Batch, rows []behavior.FindingRow, gk func(arn.ARN) int64) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	g, id, acct, reg, src, a, typ, title, sev := make([]int64, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	score := make([]float64, n)
	created, updated, first, last := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	ents := make([]string, n)
	for i, r := range rows {
		f := &r.Finding
		var err error
		if ents[i], err = columncodec.EncodeFindingEntities(*f); err != nil {
			return fmt.Errorf("postgres: put findings: %w", err)
		}
		g[i], id[i], acct[i], reg[i], src[i], a[i], typ[i], title[i], sev[i] = gk(r.Graph), f.ID,
			string(r.Account), r.Region, string(f.Source), f.ARN, f.Type, f.Title, f.Severity
		score[i], created[i], updated[i], first[i], last[i] = f.SeverityScore, ms(f.CreatedAt), ms(f.UpdatedAt),
			ms(f.FirstSeen), ms(f.LastSeen)
	}
	batch.Queue(`INSERT INTO behavior_findings AS t (graph_key, id, account_id, region, source, arn, type, title,
		severity, score, created, updated, first_seen, last_seen, entities)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::float8[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::text[])
		ON CONFLICT (graph_key, id) DO UPDATE SET account_id = excluded.account_id, region = excluded.region,
		source = excluded.source, arn = excluded.arn, type = excluded.type, title = excluded.title,
		severity = excluded.severity, score = excluded.score, created = excluded.created, updated = excluded.updated,
		first_seen = excluded.first_seen, last_seen = excluded.last_seen, entities = excluded.entities
		WHERE excluded.updated > t.updated`,
		g, id, acct, reg, src, a, typ, title, sev, score, created, updated, first, last, ents)
	return nil
}

func queueFindingEntities(batch *pgx.Batch, rows []behavior.FindingEntityRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, ent, id := make([]int64, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		g[i], ent[i], id[i] = gk(r.Graph), r.Entity, r.FindingID
	}
	batch.Queue(`INSERT INTO behavior_finding_entities (graph_key, entity, finding_id)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`, g, ent, id)
}

func queueK8s(batch *pgx.Batch, rows []behavior.K8sRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, cl, sub, hour, verb, res, ip, ua, acct := make([]int64, n), make([]string, n), make([]string, n), make([]int64, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	succ, fail, first, last := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], cl[i], sub[i], hour[i], verb[i], res[i], ip[i], ua[i], acct[i] = gk(r.Graph), r.Cluster,
			r.Subject, ms(r.Hour), r.Verb, r.Resource, r.SourceIP, r.UserAgent, string(r.Account)
		succ[i], fail[i], first[i], last[i] = r.Success, r.Failure, ms(r.First), ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_k8s AS t (graph_key, cluster, subject, hour, verb, resource, source_ip,
		user_agent, account_id, success, failure, first_seen, last_seen)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])
		ON CONFLICT (graph_key, cluster, subject, hour, verb, resource, source_ip, user_agent) DO UPDATE SET
		success = t.success + excluded.success, failure = t.failure + excluded.failure,
		first_seen = least(t.first_seen, excluded.first_seen), last_seen = greatest(t.last_seen, excluded.last_seen)`,
		g, cl, sub, hour, verb, res, ip, ua, acct, succ, fail, first, last)
}

func queueVolume(batch *pgx.Batch, rows []behavior.VolumeRow, gk func(arn.ARN) int64) {
	if len(rows) == 0 {
		return
	}
	n := len(rows)
	g, acct, pkg, minute, byts, last := make([]int64, n), make([]string, n), make([]string, n), make([]int64, n),
		make([]int64, n), make([]int64, n)
	for i, r := range rows {
		g[i], acct[i], pkg[i], minute[i], byts[i], last[i] = gk(r.Graph), string(r.Account),
			string(r.Package), ms(r.Minute), r.Bytes, ms(r.Last)
	}
	batch.Queue(`INSERT INTO behavior_volume AS t (graph_key, account_id, package, minute, bytes, last_ingest)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
		ON CONFLICT (graph_key, account_id, package, minute) DO UPDATE SET
		bytes = t.bytes + excluded.bytes, last_ingest = greatest(t.last_ingest, excluded.last_ingest)`,
		g, acct, pkg, minute, byts, last)
}
