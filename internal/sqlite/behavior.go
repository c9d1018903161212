package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

var _ behavior.Store = (*Store)(nil)

// Routes implements behavior.Store.
func (s *Store) Routes(ctx context.Context, account detective.AccountID, region string) ([]behavior.Membership, error) {
	var ms []behavior.Membership
	rows, err := s.read.QueryContext(ctx, `SELECT g.arn, p.package, p.state FROM graphs g
		LEFT JOIN graph_packages p ON p.graph_arn = g.arn WHERE g.admin = ? AND g.region = ? ORDER BY g.arn`,
		string(account), region)
	if err != nil {
		return nil, fmt.Errorf("sqlite: routes: %w", err)
	}
	for rows.Next() {
		var g string
		var pkg, state sql.NullString
		if err := rows.Scan(&g, &pkg, &state); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: routes: %w", err)
		}
		a, err := arn.Parse(g)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: routes: %w", err)
		}
		if len(ms) == 0 || ms[len(ms)-1].Graph != a {
			ms = append(ms, behavior.Membership{Graph: a, Admin: true})
		}
		if pkg.Valid {
			m := &ms[len(ms)-1]
			m.Packages = append(m.Packages, detective.PackageState{Package: detective.DatasourcePackage(pkg.String),
				State: detective.IngestState(state.String)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: routes: %w", err)
	}
	for _, m := range ms {
		detective.SortPackages(m.Packages)
	}
	rows, err = s.read.QueryContext(ctx, `SELECT m.graph_arn, m.status, m.verified_time, m.packages FROM members m
		JOIN graphs g ON g.arn = m.graph_arn WHERE m.account_id = ? AND g.region = ? ORDER BY m.graph_arn`,
		string(account), region)
	if err != nil {
		return nil, fmt.Errorf("sqlite: routes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g, status, packages string
		var verified int64
		if err := rows.Scan(&g, &status, &verified, &packages); err != nil {
			return nil, fmt.Errorf("sqlite: routes: %w", err)
		}
		a, err := arn.Parse(g)
		if err != nil {
			return nil, fmt.Errorf("sqlite: routes: %w", err)
		}
		ps, err := columncodec.DecodePackages(packages)
		if err != nil {
			return nil, fmt.Errorf("sqlite: routes: %w", err)
		}
		ms = append(ms, behavior.Membership{Graph: a, Status: detective.MemberStatus(status),
			VerifiedTime: time.UnixMilli(verified).UTC(), Packages: ps})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: routes: %w", err)
	}
	return ms, nil
}

// IngestBatch implements behavior.Store: one transaction on the write
// connection, so batches of concurrent ingests take turns.
func (s *Store) IngestBatch(ctx context.Context, fn func(behavior.IngestTx) error) error {
	if err := s.prepareBulk(ctx); err != nil {
		return err
	}
	t, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	it := &ingestTx{s: s, tx: t}
	defer func() {
		// After the commit, so that a read that sees the new version
		// sees the new volume; after a rollback too, moving it for
		// nothing, which only costs a read model one query.
		if it.volumeWrite {
			s.volumes.end(true)
		}
	}()
	if err := fn(it); err != nil {
		_ = t.Rollback() // fn's error is what matters
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// ingestTx is behavior.IngestTx on one SQLite transaction.
type ingestTx struct {
	s         *Store
	tx        *sql.Tx
	graphKeys map[arn.ARN]int64
	// volumeWrite says the transaction wrote measured volume, and is
	// counted under way in s.volumes since.
	volumeWrite bool
}

// bulk is a multi-row INSERT: head, then rows of cols placeholders, then
// tail. One statement per row count is prepared once and kept, so a batch
// costs a handful of statement executions rather than one per row.
type bulk struct {
	name string
	head string
	cols int
	tail string
}

// bulkRows is the most rows one statement carries. Counts below it are
// written as powers of two, so that each bulk has at most nine statements.
const bulkRows = 256

// bulkStatements are the prepared bulk statements of a Store, by bulk and
// row count. They are prepared all at once, before the first batch: the
// write pool has one connection, so preparing during a transaction would
// wait for that very transaction.
type bulkStatements struct {
	once sync.Once
	err  error
	m    map[*bulk]map[int]*sql.Stmt
}

// bulks are every multi-row statement of the behavior store.
var bulks = []*bulk{&knownKeys, &putKeys, &putAPICalls, &putEntities, &putLinks, &putIPs, &putFlows, &putFindings,
	&putFindingEntities, &putK8s, &putVolume, &putAccountSources}

func (s *Store) prepareBulk(ctx context.Context) error {
	s.bulk.once.Do(func() {
		s.bulk.m = make(map[*bulk]map[int]*sql.Stmt, len(bulks))
		for _, b := range bulks {
			s.bulk.m[b] = make(map[int]*sql.Stmt)
			for n := bulkRows; n > 0; n /= 2 {
				st, err := s.write.PrepareContext(ctx, b.query(n))
				if err != nil {
					s.bulk.err = fmt.Errorf("sqlite: prepare %s: %w", b.name, err)
					return
				}
				s.bulk.m[b][n] = st
			}
		}
	})
	return s.bulk.err
}

// query is b's statement for n rows.
func (b *bulk) query(n int) string {
	var q strings.Builder
	q.WriteString(b.head)
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", b.cols), ",") + ")"
	for i := range n {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(row)
	}
	q.WriteString(b.tail)
	return q.String()
}

// chunks calls fn with consecutive [from, to) ranges of n rows, each a
// size bulkStmt keeps.
func chunks(n int, fn func(from, to int) error) error {
	for from := 0; from < n; {
		size := bulkRows
		for size > n-from {
			size /= 2
		}
		if err := fn(from, from+size); err != nil {
			return err
		}
		from += size
	}
	return nil
}

// exec runs b over n rows; args appends row i's values.
func (t *ingestTx) exec(ctx context.Context, b *bulk, n int, args func(dst []any, i int) []any) error {
	return chunks(n, func(from, to int) error {
		st := t.s.bulk.m[b][to-from]
		vals := make([]any, 0, (to-from)*b.cols)
		for i := from; i < to; i++ {
			vals = args(vals, i)
		}
		if _, err := t.tx.StmtContext(ctx, st).ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("sqlite: %s: %w", b.name, err)
		}
		return nil
	})
}

var (
	// CROSS JOIN makes SQLite loop over the batch's keys and search the
	// table for each; left to choose, its planner scans the table instead
	// once it holds rows, and a batch then costs as much as the table.
	knownKeys = bulk{"known keys", "WITH v (graph_key, at, key) AS (VALUES ", 3, `) SELECT v.graph_key, v.at, v.key
		FROM v CROSS JOIN behavior_keys b ON b.graph_key = v.graph_key AND b.at = v.at AND b.key = v.key`}
	putKeys = bulk{"put keys", "INSERT INTO behavior_keys (graph_key, at, key) VALUES ", 3, ""}
)

type storedKey struct {
	graph, at int64
	key       behavior.KeyHash
}

// ClaimKeys implements behavior.IngestTx. Writes are serialized on the
// one write connection, so no other transaction can insert a key between
// this one's look-up and its insert: the keys not found are fresh, and
// only they are inserted. Scanning back only the keys that exist keeps a
// first ingest from reading back every key it writes, and spares a
// re-ingest every write.
func (t *ingestTx) ClaimKeys(ctx context.Context, keys []behavior.KeyRow) ([]bool, error) {
	fresh := make([]bool, len(keys))
	index := make(map[storedKey]int, len(keys))
	stored := make([]storedKey, len(keys))
	for i, k := range keys {
		stored[i] = storedKey{t.graphKey(k.Graph), k.At.UnixMilli(), k.Key}
		_, twice := index[stored[i]] // the first of the same key twice claims it
		if !twice {
			index[stored[i]] = i
		}
		fresh[i] = !twice
	}
	err := chunks(len(keys), func(from, to int) error {
		vals := make([]any, 0, (to-from)*3)
		for _, k := range stored[from:to] {
			vals = append(vals, k.graph, k.at, k.key[:])
		}
		rows, err := t.tx.StmtContext(ctx, t.s.bulk.m[&knownKeys][to-from]).QueryContext(ctx, vals...)
		if err != nil {
			return fmt.Errorf("sqlite: claim keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var sk storedKey
			var key []byte
			if err := rows.Scan(&sk.graph, &sk.at, &key); err != nil {
				return fmt.Errorf("sqlite: claim keys: %w", err)
			}
			copy(sk.key[:], key)
			fresh[index[sk]] = false
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: claim keys: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var insert []storedKey
	for i, k := range stored {
		if fresh[i] {
			insert = append(insert, k)
		}
	}
	return fresh, t.exec(ctx, &putKeys, len(insert), func(v []any, i int) []any {
		return append(v, insert[i].graph, insert[i].at, insert[i].key[:])
	})
}

// graphKey is behavior.GraphKey, computed once per graph and transaction.
func (t *ingestTx) graphKey(g arn.ARN) int64 {
	if k, ok := t.graphKeys[g]; ok {
		return k
	}
	if t.graphKeys == nil {
		t.graphKeys = make(map[arn.ARN]int64)
	}
	k := behavior.GraphKey(g)
	t.graphKeys[g] = k
	return k
}

var (
	putAPICalls = bulk{"put api calls", `INSERT INTO behavior_api_calls (graph_key, entity, hour, event_source,
		event_name, source_ip, user_agent, account_id, success, failure, first_seen, last_seen) VALUES `, 12,
		` ON CONFLICT (graph_key, entity, hour, event_source, event_name, source_ip, user_agent) DO UPDATE SET
		success = success + excluded.success, failure = failure + excluded.failure,
		first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`}
	putEntities = bulk{"put entities", `INSERT INTO behavior_entities (graph_key, entity, type, account_id,
		first_seen, last_seen) VALUES `, 6, ` ON CONFLICT (graph_key, entity) DO UPDATE SET
		first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`}
	putLinks = bulk{"put links", `INSERT INTO behavior_links (graph_key, from_entity, relation, to_entity,
		first_seen, last_seen) VALUES `, 6, ` ON CONFLICT (graph_key, from_entity, relation, to_entity) DO UPDATE SET
		first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`}
	putAccountSources = bulk{"put account sources", `INSERT INTO behavior_account_sources (graph_key, account_id,
		day, kind, value) VALUES `, 5, ` ON CONFLICT DO NOTHING`}
	putIPs = bulk{"put ips", `INSERT INTO behavior_ips (ip, city, region, country, country_code, latitude,
		longitude, asn, aso) VALUES `, 9, ` ON CONFLICT (ip) DO NOTHING`}
	putFlows = bulk{"put flows", `INSERT INTO behavior_flows (graph_key, instance, hour, remote_ip, local_port,
		protocol, account_id, bytes_in, bytes_out, packets_in, packets_out, accepted, rejected, first_seen,
		last_seen) VALUES `, 15, ` ON CONFLICT (graph_key, instance, hour, remote_ip, local_port, protocol) DO UPDATE SET
		bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out,
		packets_in = packets_in + excluded.packets_in, packets_out = packets_out + excluded.packets_out,
		accepted = accepted + excluded.accepted, rejected = rejected + excluded.rejected,
		first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`}
	putFindings = bulk{"put findings", `INSERT INTO behavior_findings (graph_key, id, account_id, region, source,
		arn, type, title, severity, score, created, updated, first_seen, last_seen, entities) VALUES `, 15,
		` ON CONFLICT (graph_key, id) DO UPDATE SET account_id = excluded.account_id, region = excluded.region,
		source = excluded.source, arn = excluded.arn, type = excluded.type, title = excluded.title,
		severity = excluded.severity, score = excluded.score, created = excluded.created,
		updated = excluded.updated, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
		entities = excluded.entities WHERE excluded.updated > behavior_findings.updated`}
	putFindingEntities = bulk{"put finding entities", `INSERT INTO behavior_finding_entities (graph_key, entity,
		finding_id) VALUES `, 3, ` ON CONFLICT DO NOTHING`}
	putK8s = bulk{"put k8s", `INSERT INTO behavior_k8s (graph_key, cluster, subject, hour, verb, resource,
		source_ip, user_agent, account_id, success, failure, first_seen, last_seen) VALUES `, 13,
		` ON CONFLICT (graph_key, cluster, subject, hour, verb, resource, source_ip, user_agent) DO UPDATE SET
		success = success + excluded.success, failure = failure + excluded.failure,
		first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`}
	putVolume = bulk{"put volume", `INSERT INTO behavior_volume (graph_key, account_id, package, minute, bytes,
		last_ingest) VALUES `, 6, ` ON CONFLICT (graph_key, account_id, package, minute) DO UPDATE SET
		bytes = bytes + excluded.bytes, last_ingest = max(last_ingest, excluded.last_ingest)`}
)

func ms(t time.Time) int64 { return t.UnixMilli() }

// Put implements behavior.IngestTx.
func (t *ingestTx) Put(ctx context.Context, b *behavior.Batch) error {
	calls := b.APICalls()
	if err := t.exec(ctx, &putAPICalls, len(calls), func(v []any, i int) []any {
		r := &calls[i]
		return append(v, t.graphKey(r.Graph), r.Entity, ms(r.Hour), r.EventSource, r.EventName, r.SourceIP,
			r.UserAgent, string(r.Account), r.Success, r.Failure, ms(r.First), ms(r.Last))
	}); err != nil {
		return err
	}
	sources := behavior.SourceRows(calls)
	if err := t.exec(ctx, &putAccountSources, len(sources), func(v []any, i int) []any {
		r := &sources[i]
		return append(v, t.graphKey(r.Graph), string(r.Account), ms(r.Day), string(r.Kind), r.Value)
	}); err != nil {
		return err
	}
	ents := b.Entities()
	if err := t.exec(ctx, &putEntities, len(ents), func(v []any, i int) []any {
		r := &ents[i]
		return append(v, t.graphKey(r.Graph), r.Entity, string(r.Type), string(r.Account), ms(r.First), ms(r.Last))
	}); err != nil {
		return err
	}
	links := b.Links()
	if err := t.exec(ctx, &putLinks, len(links), func(v []any, i int) []any {
		r := &links[i]
		return append(v, t.graphKey(r.Graph), r.From, string(r.Relation), r.To, ms(r.First), ms(r.Last))
	}); err != nil {
		return err
	}
	ips := b.IPs()
	if err := t.exec(ctx, &putIPs, len(ips), func(v []any, i int) []any {
		r := &ips[i]
		v = append(v, r.IP)
		if l := r.Location; l != nil {
			v = append(v, l.City, l.Region, l.Country, l.CountryCode, l.Latitude, l.Longitude)
		} else {
			v = append(v, nil, nil, nil, nil, nil, nil)
		}
		if a := r.ASO; a != nil {
			return append(v, int64(a.Number), a.Organization)
		}
		return append(v, nil, nil)
	}); err != nil {
		return err
	}
	flows := b.Flows()
	if err := t.exec(ctx, &putFlows, len(flows), func(v []any, i int) []any {
		r := &flows[i]
		return append(v, t.graphKey(r.Graph), r.Instance, ms(r.Hour), r.RemoteIP, r.LocalPort, r.Protocol,
			string(r.Account), r.BytesIn, r.BytesOut, r.PacketsIn, r.PacketsOut, r.Accepted, r.Rejected, ms(r.First), ms(r.Last))
	}); err != nil {
		return err
	}
	findings := b.Findings()
	entities := make([]string, len(findings))
	for i, r := range findings {
		var err error
		if entities[i], err = columncodec.EncodeFindingEntities(r.Finding); err != nil {
			return fmt.Errorf("sqlite: put findings: %w", err)
		}
	}
	if err := t.exec(ctx, &putFindings, len(findings), func(v []any, i int) []any {
		r, f := &findings[i], &findings[i].Finding
		return append(v, t.graphKey(r.Graph), f.ID, string(r.Account), r.Region, string(f.Source), f.ARN, f.Type,
			f.Title, f.Severity, f.SeverityScore, ms(f.CreatedAt), ms(f.UpdatedAt), ms(f.FirstSeen), ms(f.LastSeen), entities[i])
	}); err != nil {
		return err
	}
	fents := b.FindingEntities()
	if err := t.exec(ctx, &putFindingEntities, len(fents), func(v []any, i int) []any {
		r := &fents[i]
		return append(v, t.graphKey(r.Graph), r.Entity, r.FindingID)
	}); err != nil {
		return err
	}
	k8s := b.K8s()
	if err := t.exec(ctx, &putK8s, len(k8s), func(v []any, i int) []any {
		r := &k8s[i]
		return append(v, t.graphKey(r.Graph), r.Cluster, r.Subject, ms(r.Hour), r.Verb, r.Resource, r.SourceIP,
			r.UserAgent, string(r.Account), r.Success, r.Failure, ms(r.First), ms(r.Last))
	}); err != nil {
		return err
	}
	vol := b.Volume()
	if len(vol) > 0 && !t.volumeWrite {
		t.s.volumes.begin() // before the rows are written: see Store.VolumeVersion
		t.volumeWrite = true
	}
	return t.exec(ctx, &putVolume, len(vol), func(v []any, i int) []any {
		r := &vol[i]
		return append(v, t.graphKey(r.Graph), string(r.Account), string(r.Package), ms(r.Minute), r.Bytes, ms(r.Last))
	})
}
