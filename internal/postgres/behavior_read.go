package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/columncodec"
	"github.com/detective-local/detective-local/internal/detective"
)

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// each runs q on the pool and calls fn after scanning each row into dst.
func (s *Store) each(ctx context.Context, what, q string, args []any, dst []any, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	rows, _ := s.pool.Query(ctx, q, args...)
	if _, err := pgx.ForEachRow(rows, dst, fn); err != nil {
		return wrap(what, err)
	}
	return nil
}

// GraphVolume implements behavior.Store.
func (s *Store) GraphVolume(ctx context.Context, graph arn.ARN, since time.Time) (int64, error) {
	var v int64
	err := s.each(ctx, "graph volume", `SELECT coalesce(sum(bytes), 0)::bigint FROM behavior_volume
		WHERE graph_key = $1 AND minute >= $2`, []any{behavior.GraphKey(graph), ms(since.Truncate(time.Minute))},
		[]any{&v}, func() error { return nil })
	return v, err
}

// MeasuredVolume implements behavior.Store.
func (s *Store) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	return measuredVolume(ctx, s.pool, graph, accounts, since)
}

// MeasuredVolume implements detective.VolumeReader, in the transaction.
func (t *tx) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	return behavior.ByAccount(measuredVolume(ctx, t.tx, graph, accounts, since))
}

// GraphMeasuredVolume implements detective.GraphVolumeReader, in the
// transaction.
func (t *tx) GraphMeasuredVolume(ctx context.Context, graph arn.ARN, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	return behavior.ByAccount(measuredVolumeWhere(ctx, t.tx, `graph_key = $2`, ms(since.Truncate(time.Minute)), behavior.GraphKey(graph)))
}

var _ detective.GraphVolumeReader = (*tx)(nil)

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func measuredVolume(ctx context.Context, q querier, graph arn.ARN, accounts []detective.AccountID, since time.Time) ([]behavior.AccountVolume, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = string(a)
	}
	return measuredVolumeWhere(ctx, q, `graph_key = $2 AND account_id = ANY($3)`,
		ms(since.Truncate(time.Minute)), behavior.GraphKey(graph), ids)
}

// measuredVolumeWhere is measuredVolume of the rows where says, with $1
// the window's start and where's arguments after it.
func measuredVolumeWhere(ctx context.Context, q querier, where string, args ...any) ([]behavior.AccountVolume, error) {
	var out []behavior.AccountVolume
	var account, pkg string
	var bytes, last int64
	rows, _ := q.Query(ctx, `SELECT account_id, package,
		sum(CASE WHEN minute >= $1 THEN bytes ELSE 0 END)::bigint, max(last_ingest) FROM behavior_volume
		WHERE `+where+` GROUP BY account_id, package ORDER BY account_id, package`, args...)
	_, err := pgx.ForEachRow(rows, []any{&account, &pkg, &bytes, &last}, func() error {
		if len(out) == 0 || out[len(out)-1].Account != detective.AccountID(account) {
			out = append(out, behavior.AccountVolume{Account: detective.AccountID(account), Bytes: map[detective.DatasourcePackage]int64{}})
		}
		v := &out[len(out)-1]
		v.Bytes[detective.DatasourcePackage(pkg)] = bytes
		if t := fromMS(last); t.After(v.LastIngest) {
			v.LastIngest = t
		}
		return nil
	})
	if err != nil {
		return nil, wrap("measured volume", err)
	}
	return out, nil
}

const apiCallColumns = `entity, hour, event_source, event_name, source_ip, user_agent, account_id, success,
	failure, first_seen, last_seen`

func (s *Store) apiCalls(ctx context.Context, graph arn.ARN, q string, args []any) ([]behavior.APICallRow, error) {
	var out []behavior.APICallRow
	var r behavior.APICallRow
	var hour, first, last int64
	var account string
	err := s.each(ctx, "api calls", q, args, []any{&r.Entity, &hour, &r.EventSource, &r.EventName, &r.SourceIP,
		&r.UserAgent, &account, &r.Success, &r.Failure, &first, &last}, func() error {
		r.Graph, r.Hour, r.First, r.Last, r.Account = graph, fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
		out = append(out, r)
		return nil
	})
	return out, err
}

// APICalls implements behavior.Store.
func (s *Store) APICalls(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) ([]behavior.APICallRow, error) {
	return s.apiCalls(ctx, graph, `SELECT `+apiCallColumns+` FROM behavior_api_calls
		WHERE graph_key = $1 AND entity = $2 AND hour >= $3 AND hour < $4
		ORDER BY hour, event_source, event_name, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), entity, ms(from), ms(to)})
}

// AccountAPICalls implements behavior.Store.
func (s *Store) AccountAPICalls(ctx context.Context, graph arn.ARN, account detective.AccountID, from, to time.Time) ([]behavior.APICallRow, error) {
	return s.apiCalls(ctx, graph, `SELECT `+apiCallColumns+` FROM behavior_api_calls
		WHERE graph_key = $1 AND account_id = $2 AND hour >= $3 AND hour < $4
		ORDER BY hour, entity, event_source, event_name, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), string(account), ms(from), ms(to)})
}

// BehaviorEntity implements behavior.Store.
func (s *Store) BehaviorEntity(ctx context.Context, graph arn.ARN, entity string) (behavior.EntityRow, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	r := behavior.EntityRow{Graph: graph, Entity: entity}
	var typ, account string
	var first, last int64
	err := s.pool.QueryRow(ctx, `SELECT type, account_id, first_seen, last_seen FROM behavior_entities
		WHERE graph_key = $1 AND entity = $2`, behavior.GraphKey(graph), entity).Scan(&typ, &account, &first, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, detective.NotFound("Entity %s has no data in the behavior graph", entity)
	}
	if err != nil {
		return r, wrap("entity", err)
	}
	r.Type, r.Account, r.First, r.Last = behavior.EntityType(typ), detective.AccountID(account), fromMS(first), fromMS(last)
	return r, nil
}

// Links implements behavior.Store.
func (s *Store) Links(ctx context.Context, graph arn.ARN, entity string) ([]behavior.LinkRow, error) {
	var out []behavior.LinkRow
	r := behavior.LinkRow{Graph: graph}
	var rel string
	var first, last int64
	err := s.each(ctx, "links", `SELECT from_entity, relation, to_entity, first_seen, last_seen
		FROM behavior_links WHERE graph_key = $1 AND from_entity = $2
		UNION ALL SELECT from_entity, relation, to_entity, first_seen, last_seen
		FROM behavior_links WHERE graph_key = $1 AND to_entity = $2 AND from_entity <> $2
		ORDER BY 1, 2, 3`, []any{behavior.GraphKey(graph), entity}, []any{&r.From, &rel, &r.To, &first, &last},
		func() error {
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
	var out []behavior.IPInfo
	var ip string
	var city, region, country, code, aso *string
	var lat, lon *float64
	var asn *int64
	err := s.each(ctx, "ip infos", `SELECT ip, city, region, country, country_code, latitude, longitude, asn, aso
		FROM behavior_ips WHERE ip = ANY($1) ORDER BY ip`, []any{ips},
		[]any{&ip, &city, &region, &country, &code, &lat, &lon, &asn, &aso}, func() error {
			info := behavior.IPInfo{IP: ip}
			if city != nil {
				info.Location = &behavior.Location{City: *city, Region: *region, Country: *country, CountryCode: *code,
					Latitude: *lat, Longitude: *lon}
			}
			if asn != nil {
				info.ASO = &behavior.ASO{Number: uint32(*asn), Organization: *aso}
			}
			out = append(out, info)
			return nil
		})
	return out, err
}

// Flows implements behavior.Store.
func (s *Store) Flows(ctx context.Context, graph arn.ARN, instance string, from, to time.Time) ([]behavior.FlowRow, error) {
	var out []behavior.FlowRow
	r := behavior.FlowRow{Graph: graph, Instance: instance}
	var hour, first, last, port, proto int64
	var account string
	err := s.each(ctx, "flows", `SELECT hour, remote_ip, local_port, protocol, account_id, bytes_in, bytes_out,
		packets_in, packets_out, accepted, rejected, first_seen, last_seen FROM behavior_flows
		WHERE graph_key = $1 AND instance = $2 AND hour >= $3 AND hour < $4
		ORDER BY hour, remote_ip, local_port, protocol`, []any{behavior.GraphKey(graph), instance, ms(from), ms(to)},
		[]any{&hour, &r.RemoteIP, &port, &proto, &account, &r.BytesIn, &r.BytesOut, &r.PacketsIn, &r.PacketsOut,
			&r.Accepted, &r.Rejected, &first, &last}, func() error {
			r.Hour, r.First, r.Last, r.Account = fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
			r.LocalPort, r.Protocol = int(port), int(proto)
			out = append(out, r)
			return nil
		})
	return out, err
}

// FindingsOf implements behavior.Store.
func (s *Store) FindingsOf(ctx context.Context, graph arn.ARN, entity string) ([]behavior.FindingRow, error) {
	return s.findingRows(ctx, "findings", graph, `SELECT f.id, f.account_id, f.region, f.source, f.arn, f.type, f.title,
		f.severity, f.score, f.created, f.updated, f.first_seen, f.last_seen, f.entities
		FROM behavior_finding_entities e JOIN behavior_findings f ON f.graph_key = e.graph_key AND f.id = e.finding_id
		WHERE e.graph_key = $1 AND e.entity = $2 ORDER BY f.id`, behavior.GraphKey(graph), entity)
}

// findingRows runs q, which selects the columns of behavior_findings in
// table order, and decodes each row as one of graph's findings.
func (s *Store) findingRows(ctx context.Context, what string, graph arn.ARN, q string, args ...any) ([]behavior.FindingRow, error) {
	var out []behavior.FindingRow
	var r behavior.FindingRow
	var f behavior.Finding
	var account, source, entities string
	var created, updated, first, last int64
	err := s.each(ctx, what, q, args,
		[]any{&f.ID, &account, &r.Region, &source, &f.ARN, &f.Type, &f.Title, &f.Severity, &f.SeverityScore,
			&created, &updated, &first, &last, &entities}, func() error {
			row := behavior.FindingRow{Graph: graph, Account: detective.AccountID(account), Region: r.Region, Finding: f}
			g := &row.Finding
			g.Source = behavior.FindingSource(source)
			g.CreatedAt, g.UpdatedAt, g.FirstSeen, g.LastSeen = fromMS(created), fromMS(updated), fromMS(first), fromMS(last)
			if err := columncodec.DecodeFindingEntities(entities, g); err != nil {
				return err
			}
			out = append(out, row)
			return nil
		})
	return out, err
}

// K8sEvents implements behavior.Store.
func (s *Store) K8sEvents(ctx context.Context, graph arn.ARN, cluster, subject string, from, to time.Time) ([]behavior.K8sRow, error) {
	var out []behavior.K8sRow
	r := behavior.K8sRow{Graph: graph, Cluster: cluster, Subject: subject}
	var hour, first, last int64
	var account string
	err := s.each(ctx, "k8s events", `SELECT hour, verb, resource, source_ip, user_agent, account_id, success,
		failure, first_seen, last_seen FROM behavior_k8s
		WHERE graph_key = $1 AND cluster = $2 AND subject = $3 AND hour >= $4 AND hour < $5
		ORDER BY hour, verb, resource, source_ip, user_agent`,
		[]any{behavior.GraphKey(graph), cluster, subject, ms(from), ms(to)},
		[]any{&hour, &r.Verb, &r.Resource, &r.SourceIP, &r.UserAgent, &account, &r.Success, &r.Failure, &first, &last},
		func() error {
			r.Hour, r.First, r.Last, r.Account = fromMS(hour), fromMS(first), fromMS(last), detective.AccountID(account)
			out = append(out, r)
			return nil
		})
	return out, err
}

// Retain implements behavior.Store.
func (s *Store) Retain(ctx context.Context, before time.Time) (int64, error) {
	t := ms(before)
	var total int64
	err := s.IngestBatch(ctx, func(itx behavior.IngestTx) error {
		tx := itx.(*ingestTx).tx
		for _, q := range []string{
			`DELETE FROM behavior_keys WHERE at < $1`,
			`DELETE FROM behavior_api_calls WHERE hour < $1`,
			`DELETE FROM behavior_account_sources WHERE day + 86400000 <= $1`, // days all of whose hours went
			`DELETE FROM behavior_flows WHERE hour < $1`,
			`DELETE FROM behavior_k8s WHERE hour < $1`,
			`DELETE FROM behavior_volume WHERE minute < $1`,
			`DELETE FROM behavior_entities WHERE last_seen < $1`,
			`DELETE FROM behavior_links WHERE last_seen < $1`,
			`DELETE FROM behavior_findings WHERE updated < $1`,
			`DELETE FROM behavior_file_routes WHERE digest IN (SELECT digest FROM behavior_files WHERE ingested < $1)`,
			`DELETE FROM behavior_file_graphs WHERE digest IN (SELECT digest FROM behavior_files WHERE ingested < $1)`,
			`DELETE FROM behavior_files WHERE ingested < $1`,
		} {
			tag, err := tx.Exec(ctx, q, t)
			if err != nil {
				return wrap("retain", err)
			}
			total += tag.RowsAffected()
		}
		tag, err := tx.Exec(ctx, `DELETE FROM behavior_finding_entities e WHERE NOT EXISTS (SELECT 1 FROM behavior_findings f
			WHERE f.graph_key = e.graph_key AND f.id = e.finding_id)`)
		if err != nil {
			return wrap("retain", err)
		}
		total += tag.RowsAffected()
		return nil
	})
	return total, err
}
