package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// queryRows runs q and scans each row with scan.
func queryRows(ctx context.Context, db querier, what, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err := scanRows(rows, err, scan); err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

// scanRows scans each of rows, a query's result with its error err, with
// scan, and closes them.
func scanRows(rows *sql.Rows, err error, scan func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// GraphVolume implements behavior.Store.
func (s *Store) GraphVolume(ctx context.Context, graph arn.ARN, since time.Time) (int64, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT coalesce(sum(bytes), 0) FROM behavior_volume
		WHERE graph_key = ? AND minute >= ?`, behavior.GraphKey(graph), ms(since.Truncate(time.Minute))).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlite: graph volume: %w", err)
	}
	return v, nil
}

// MeasuredVolume implements behavior.Store.
func (s *Store) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error) {
	st, err := s.readSt.measuredVolume.prepare(ctx, s.read)
	if err != nil {
		return nil, err
	}
	return measuredVolume(ctx, st, graph, accounts, since)
}

// MeasuredVolume implements detective.VolumeReader, in the transaction.
func (t *tx) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	return behavior.ByAccount(measuredVolume(ctx, t.stmt(ctx, &t.st.measuredVolume), graph, accounts, since))
}

// GraphMeasuredVolume implements detective.GraphVolumeReader, in the
// transaction.
func (t *tx) GraphMeasuredVolume(ctx context.Context, graph arn.ARN, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	var out []behavior.AccountVolume
	rows, err := t.stmt(ctx, &t.st.graphMeasuredVolume).QueryContext(ctx, ms(since.Truncate(time.Minute)), behavior.GraphKey(graph))
	if err := scanRows(rows, err, scanMeasuredVolume(&out)); err != nil {
		return nil, wrap("graph measured volume", err)
	}
	return behavior.ByAccount(out, nil)
}

var (
	_ detective.VolumeReader      = (*tx)(nil)
	_ detective.GraphVolumeReader = (*tx)(nil)
)

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// measuredVolumeSelect reads behavior_volume grouped by account and
// package, with the window's start its first argument.
const measuredVolumeSelect = `SELECT account_id, package,
		sum(CASE WHEN minute >= ? THEN bytes ELSE 0 END), max(last_ingest) FROM behavior_volume`

// measuredVolumeQuery takes the accounts as a JSON array, so that one
// prepared statement serves any number of them: preparing it anew on
// every call cost more than running it for accounts that never ingested.
const measuredVolumeQuery = measuredVolumeSelect + `
		WHERE graph_key = ? AND account_id IN (SELECT value FROM json_each(?))
		GROUP BY account_id, package ORDER BY account_id, package`

// graphMeasuredVolumeQuery is measuredVolume of every account of a graph.
const graphMeasuredVolumeQuery = measuredVolumeSelect + `
		WHERE graph_key = ?
		GROUP BY account_id, package ORDER BY account_id, package`

// stmtQuerier is a *sql.Stmt or a boundStmt.
type stmtQuerier interface {
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
}

func measuredVolume(ctx context.Context, st stmtQuerier, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	ids, err := jsonArray(accounts)
	if err != nil {
		return nil, fmt.Errorf("sqlite: measured volume: %w", err)
	}
	var out []behavior.AccountVolume
	rows, err := st.QueryContext(ctx, ms(since.Truncate(time.Minute)), behavior.GraphKey(graph), ids)
	if err := scanRows(rows, err, scanMeasuredVolume(&out)); err != nil {
		return nil, fmt.Errorf("sqlite: measured volume: %w", err)
	}
	return out, nil
}

// scanMeasuredVolume reads rows of measuredVolumeSelect, ordered by
// account, into out.
func scanMeasuredVolume(out *[]behavior.AccountVolume) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var account, pkg string
		var bytes, last int64
		if err := rows.Scan(&account, &pkg, &bytes, &last); err != nil {
			return err
		}
		if len(*out) == 0 || (*out)[len(*out)-1].Account != detective.AccountID(account) {
			*out = append(*out, behavior.AccountVolume{Account: detective.AccountID(account), Bytes: map[detective.DatasourcePackage]int64{}})
		}
		v := &(*out)[len(*out)-1]
		v.Bytes[detective.DatasourcePackage(pkg)] = bytes
		if t := fromMS(last); t.After(v.LastIngest) {
			v.LastIngest = t
		}
		return nil
	}
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

const apiCallColumns = `entity, hour, event_source, event_name, source_ip, user_agent, account_id, success,
	failure, first_seen, last_seen`

func scanAPICall(graph arn.ARN, out *[]behavior.APICallRow) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		r := behavior.APICallRow{Graph: graph}
		var hour, first, last int64
		var account string
		if err := rows.Scan(&r.Entity, &hour, &r.EventSource, &r.EventName, &r.SourceIP, &r.UserAgent, &account,
			&r.Success, &r.Failure, &first, &last); err != nil {
			return err
		}
		r.Hour, r.First, r.Last, r.Account = fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
		*out = append(*out, r)
		return nil
	}
}

// APICalls implements behavior.Store.
func (s *Store) APICalls(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) ([]behavior.APICallRow, error) {
	var out []behavior.APICallRow
	err := queryRows(ctx, s.read, "api calls", `SELECT `+apiCallColumns+` FROM behavior_api_calls
		WHERE graph_key = ? AND entity = ? AND hour >= ? AND hour < ?
		ORDER BY hour, event_source, event_name, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), entity, ms(from), ms(to)}, scanAPICall(graph, &out))
	return out, err
}

// AccountAPICalls implements behavior.Store.
func (s *Store) AccountAPICalls(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) ([]behavior.APICallRow, error) {
	var out []behavior.APICallRow
	err := queryRows(ctx, s.read, "account api calls", `SELECT `+apiCallColumns+` FROM behavior_api_calls
		WHERE graph_key = ? AND account_id = ? AND hour >= ? AND hour < ?
		ORDER BY hour, entity, event_source, event_name, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), string(account), ms(from), ms(to)}, scanAPICall(graph, &out))
	return out, err
}

// BehaviorEntity implements behavior.Store.
func (s *Store) BehaviorEntity(ctx context.Context, graph arn.ARN, entity string) (behavior.EntityRow, error) {
	r := behavior.EntityRow{Graph: graph, Entity: entity}
	var typ, account string
	var first, last int64
	err := s.read.QueryRowContext(ctx, `SELECT type, account_id, first_seen, last_seen FROM behavior_entities
		WHERE graph_key = ? AND entity = ?`, behavior.GraphKey(graph), entity).Scan(&typ, &account, &first, &last)
	if err == sql.ErrNoRows {
		return r, detective.NotFound("Entity %s has no data in the behavior graph", entity)
	}
	if err != nil {
		return r, fmt.Errorf("sqlite: entity: %w", err)
	}
	r.Type, r.Account, r.First, r.Last = behavior.EntityType(typ), detective.AccountID(account), fromMS(first), fromMS(last)
	return r, nil
}

// Links implements behavior.Store.
func (s *Store) Links(ctx context.Context, graph arn.ARN, entity string) ([]behavior.LinkRow, error) {
	var out []behavior.LinkRow
	gk := behavior.GraphKey(graph)
	err := queryRows(ctx, s.read, "links", `SELECT from_entity, relation, to_entity, first_seen, last_seen
		FROM behavior_links WHERE graph_key = ? AND from_entity = ?
		UNION ALL SELECT from_entity, relation, to_entity, first_seen, last_seen
		FROM behavior_links WHERE graph_key = ? AND to_entity = ? AND from_entity <> ?
		ORDER BY 1, 2, 3`, []any{gk, entity, gk, entity, entity}, func(rows *sql.Rows) error {
		r := behavior.LinkRow{Graph: graph}
		var rel string
		var first, last int64
		if err := rows.Scan(&r.From, &rel, &r.To, &first, &last); err != nil {
			return err
		}
		r.Relation, r.First, r.Last = behavior.Relation(rel), fromMS(first), fromMS(last)
		out = append(out, r)
		return nil
	})
	return out, err
}

// IPInfos implements behavior.Store.
func (s *Store) IPInfos(ctx context.Context, ips []string) ([]behavior.IPInfo, error) {
	if len(ips) == 0 {
		return nil, nil
	}
	args := make([]any, len(ips))
	for i, ip := range ips {
		args[i] = ip
	}
	var out []behavior.IPInfo
	err := queryRows(ctx, s.read, "ip infos", `SELECT ip, city, region, country, country_code, latitude, longitude,
		asn, aso FROM behavior_ips WHERE ip IN (`+placeholders(len(ips))+`) ORDER BY ip`, args, func(rows *sql.Rows) error {
		var info behavior.IPInfo
		var city, region, country, code, aso sql.NullString
		var lat, lon sql.NullFloat64
		var asn sql.NullInt64
		if err := rows.Scan(&info.IP, &city, &region, &country, &code, &lat, &lon, &asn, &aso); err != nil {
			return err
		}
		if city.Valid {
			info.Location = &behavior.Location{City: city.String, Region: region.String, Country: country.String,
				CountryCode: code.String, Latitude: lat.Float64, Longitude: lon.Float64}
		}
		if asn.Valid {
			info.ASO = &behavior.ASO{Number: uint32(asn.Int64), Organization: aso.String}
		}
		out = append(out, info)
		return nil
	})
	return out, err
}

// Flows implements behavior.Store.
func (s *Store) Flows(ctx context.Context, graph arn.ARN, instance string, from, to time.Time) ([]behavior.FlowRow, error) {
	var out []behavior.FlowRow
	err := queryRows(ctx, s.read, "flows", `SELECT hour, remote_ip, local_port, protocol, account_id, bytes_in,
		bytes_out, packets_in, packets_out, accepted, rejected, first_seen, last_seen FROM behavior_flows
		WHERE graph_key = ? AND instance = ? AND hour >= ? AND hour < ?
		ORDER BY hour, remote_ip, local_port, protocol`, []any{behavior.GraphKey(graph), instance, ms(from), ms(to)},
		func(rows *sql.Rows) error {
			r := behavior.FlowRow{Graph: graph, Instance: instance}
			var hour, first, last int64
			var account string
			if err := rows.Scan(&hour, &r.RemoteIP, &r.LocalPort, &r.Protocol, &account, &r.BytesIn, &r.BytesOut,
				&r.PacketsIn, &r.PacketsOut, &r.Accepted, &r.Rejected, &first, &last); err != nil {
				return err
			}
			r.Hour, r.First, r.Last, r.Account = fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
			out = append(out, r)
			return nil
		})
	return out, err
}

// FindingsOf implements behavior.Store.
func (s *Store) FindingsOf(ctx context.Context, graph arn.ARN, entity string) ([]behavior.FindingRow, error) {
	return s.findingRows(ctx, "findings", graph, `SELECT f.id, f.account_id, f.region, f.source, f.arn, f.type,
		f.title, f.severity, f.score, f.created, f.updated, f.first_seen, f.last_seen, f.entities
		FROM behavior_finding_entities e JOIN behavior_findings f ON f.graph_key = e.graph_key AND f.id = e.finding_id
		WHERE e.graph_key = ? AND e.entity = ? ORDER BY f.id`, behavior.GraphKey(graph), entity)
}

// findingRows runs q, which selects the columns of behavior_findings in
// table order, and decodes each row as one of graph's findings.
func (s *Store) findingRows(ctx context.Context, what string, graph arn.ARN, q string, args ...any) ([]behavior.FindingRow, error) {
	var out []behavior.FindingRow
	err := queryRows(ctx, s.read, what, q, args, func(rows *sql.Rows) error {
		r := behavior.FindingRow{Graph: graph}
		f := &r.Finding
		var account, source, entities string
		var created, updated, first, last int64
		if err := rows.Scan(&f.ID, &account, &r.Region, &source, &f.ARN, &f.Type, &f.Title, &f.Severity,
			&f.SeverityScore, &created, &updated, &first, &last, &entities); err != nil {
			return err
		}
		r.Account, f.Source = detective.AccountID(account), behavior.FindingSource(source)
		f.CreatedAt, f.UpdatedAt, f.FirstSeen, f.LastSeen = fromMS(created), fromMS(updated), fromMS(first), fromMS(last)
		if err := columncodec.DecodeFindingEntities(entities, f); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// K8sEvents implements behavior.Store.
func (s *Store) K8sEvents(ctx context.Context, graph arn.ARN, cluster, subject string, from, to time.Time) ([]behavior.K8sRow, error) {
	var out []behavior.K8sRow
	err := queryRows(ctx, s.read, "k8s events", `SELECT hour, verb, resource, source_ip, user_agent, account_id,
		success, failure, first_seen, last_seen FROM behavior_k8s
		WHERE graph_key = ? AND cluster = ? AND subject = ? AND hour >= ? AND hour < ?
		ORDER BY hour, verb, resource, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), cluster, subject, ms(from), ms(to)}, func(rows *sql.Rows) error {
			r := behavior.K8sRow{Graph: graph, Cluster: cluster, Subject: subject}
			var hour, first, last int64
			var account string
			if err := rows.Scan(&hour, &r.Verb, &r.Resource, &r.SourceIP, &r.UserAgent, &account, &r.Success,
				&r.Failure, &first, &last); err != nil {
				return err
			}
			r.Hour, r.First, r.Last, r.Account = fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
			out = append(out, r)
			return nil
		})
	return out, err
}

// retainVolume is the statement of Retain that drops measured volume.
const retainVolume = `DELETE FROM behavior_volume WHERE minute < ?`

// Retain implements behavior.Store.
func (s *Store) Retain(ctx context.Context, before time.Time) (int64, error) {
	t := ms(before)
	var total int64
	// Retention may drop measured volume: from that statement on its
	// version is under way, and it moves once the transaction is over, if
	// the statement dropped any. Counted from the statement, not from the
	// start, so that waiting for the write connection keeps volume reads
	// served from memory.
	volumeBegun, volumeDropped := false, true // dropped unless known otherwise
	defer func() {
		if volumeBegun {
			s.volumes.end(volumeDropped)
		}
	}()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retain: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after Commit a no-op; before it, the error says why
	for _, q := range []string{
		`DELETE FROM behavior_keys WHERE at < ?`,
		`DELETE FROM behavior_api_calls WHERE hour < ?`,
		`DELETE FROM behavior_account_sources WHERE day + 86400000 <= ?`, // days all of whose hours went
		`DELETE FROM behavior_flows WHERE hour < ?`,
		`DELETE FROM behavior_k8s WHERE hour < ?`,
		retainVolume,
		`DELETE FROM behavior_entities WHERE last_seen < ?`,
		`DELETE FROM behavior_links WHERE last_seen < ?`,
		`DELETE FROM behavior_findings WHERE updated < ?`,
		`DELETE FROM behavior_file_routes WHERE digest IN (SELECT digest FROM behavior_files WHERE ingested < ?)`,
		`DELETE FROM behavior_file_graphs WHERE digest IN (SELECT digest FROM behavior_files WHERE ingested < ?)`,
		`DELETE FROM behavior_files WHERE ingested < ?`,
	} {
		if q == retainVolume {
			s.volumes.begin()
			volumeBegun = true
		}
		res, err := tx.ExecContext(ctx, q, t)
		if err != nil {
			return 0, fmt.Errorf("sqlite: retain: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if q == retainVolume {
			volumeDropped = n > 0
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM behavior_finding_entities WHERE NOT EXISTS (SELECT 1 FROM behavior_findings f
		WHERE f.graph_key = behavior_finding_entities.graph_key AND f.id = behavior_finding_entities.finding_id)`)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retain: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: retain: %w", err)
	}
	return total + n, nil
}
