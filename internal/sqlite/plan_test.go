package sqlite

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestQueryPlans pins the index each hot query uses, so that a schema or
// query change that turns a lookup into a scan fails here rather than in a
// load test.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"Members", membersQuery, []any{"[]", "g"},
			[]string{"SCAN j VIRTUAL TABLE", "SEARCH m USING PRIMARY KEY (graph_arn=? AND account_id=?)"}},
		{"ListMembers", listMembersQuery, []any{"g", "", 1},
			[]string{"SEARCH m USING PRIMARY KEY (graph_arn=? AND account_id>?)"}},
		{"ListMemberships", listMembershipsQuery, []any{"a", "r", "", 0, "[]", 1},
			[]string{"SEARCH m USING INDEX members_account (account_id=? AND graph_arn>?)", "SEARCH g USING PRIMARY KEY (arn=?)"}},
		{"CountMembers", countMembersQuery, []any{"g", "[]"},
			[]string{"SEARCH member_totals USING PRIMARY KEY (graph_arn=?)"}},
		{"MemberVolume", memberVolumeQuery, []any{"g", "s"},
			[]string{"SEARCH member_totals USING PRIMARY KEY (graph_arn=? AND status=?)"}},
		{"MembersWithStatus", membersWithStatusQuery, []any{"g", "s"},
			[]string{"SEARCH m USING INDEX members_status (status=? AND graph_arn=?)"}},
		{"GraphMeasuredVolume", graphMeasuredVolumeQuery, []any{0, 1},
			[]string{"SEARCH behavior_volume USING PRIMARY KEY (graph_key=?)"}},
		{"Graph", graphQuery, []any{"g"},
			[]string{"SEARCH graphs USING PRIMARY KEY (arn=?)"}},
		{"GraphByAdmin", graphByAdminQuery, []any{"a", "r"},
			[]string{"SEARCH graphs USING INDEX graphs_admin_region (admin=? AND region=?)"}},
		{"MemberPackages", memberPackagesQuery, []any{"g", "[]"},
			[]string{"SCAN j VIRTUAL TABLE", "SEARCH m USING PRIMARY KEY (graph_arn=? AND account_id=?)"}},
		{"SetMemberPackages", setMemberPackagesQuery, []any{"g", "a", ""},
			[]string{"SEARCH members USING PRIMARY KEY (graph_arn=? AND account_id=?)"}},
		{"GraphsWithMemberStatus", graphsWithMemberStatusQuery, []any{"s"},
			[]string{"SEARCH members USING COVERING INDEX members_status (status=?)"}},
		{"ListInvestigations", listInvestigationsQuery, []any{"g"},
			[]string{"SEARCH investigations USING INDEX investigations_created (graph_arn=?)"}},
		{"Indicators", indicatorsQuery, []any{"g", "i"},
			[]string{"SEARCH indicators USING PRIMARY KEY (graph_arn=? AND investigation_id=?)"}},
		{"OrgAdmin", orgAdminQuery, []any{"o", "r"},
			[]string{"SEARCH organization_admins USING PRIMARY KEY (org_id=? AND region=?)"}},
		{"OrgAdminByGraph", orgAdminByGraphQuery, []any{"g"},
			[]string{"SEARCH organization_admins USING INDEX organization_admins_graph (graph_arn=?)"}},
		{"OrgAdmins", orgAdminsQuery, []any{"o"},
			[]string{"SEARCH organization_admins USING PRIMARY KEY (org_id=?)"}},
		{"MeasuredVolume", measuredVolumeQuery, []any{0, 1, "[]"},
			[]string{"SEARCH behavior_volume USING PRIMARY KEY (graph_key=? AND account_id=?)"}},
	} {
		rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s plan lacks %q:\n%s", tc.name, w, text)
			}
		}
	}
}

// TestStatementsPrepare prepares every statement of both pools: they are
// prepared on first use, so an open no longer finds a query that does not
// compile.
func TestStatementsPrepare(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	for _, st := range []*statements{s.readSt, s.writeSt} {
		for _, q := range st.all {
			if _, err := q.prepare(t.Context(), st.db); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestStatementsPreparedOnFirstUse checks that a statement a transaction
// used is prepared on its pool before the next transaction, also when many
// transactions use it first at once.
func TestStatementsPreparedOnFirstUse(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	ctx := t.Context()
	useGraph := func(t *tx) error {
		rows, err := t.stmt(ctx, &t.st.graph).QueryContext(ctx, "g")
		if err != nil {
			return err
		}
		return rows.Close()
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Go(func() {
			errs <- s.readTx(ctx, useGraph)
			errs <- s.writeTx(ctx, useGraph)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.readTx(ctx, useGraph); err != nil {
		t.Fatal(err)
	}
	if err := s.writeTx(ctx, useGraph); err != nil {
		t.Fatal(err)
	}
	if s.readSt.graph.s.Load() == nil || s.writeSt.graph.s.Load() == nil {
		t.Error("graph is not prepared on both pools after its first use")
	}
	if s.readSt.listGraphs.s.Load() != nil {
		t.Error("listGraphs is prepared though no transaction used it")
	}
}
