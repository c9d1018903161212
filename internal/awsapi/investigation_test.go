package awsapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
)

const userARN = "arn:aws:iam::111111111111:user/alice"

func mustStartInvestigation(t testing.TB, c *detective.Client, g, entity string) string {
	t.Helper()
	end := time.Now()
	out, err := c.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: aws.String(g), EntityArn: aws.String(entity),
		ScopeStartTime: aws.Time(end.Add(-24 * time.Hour)), ScopeEndTime: aws.Time(end)})
	if err != nil {
		t.Fatalf("StartInvestigation(%s): %v", entity, err)
	}
	return aws.ToString(out.InvestigationId)
}

func TestInvestigations(t *testing.T) {
	apitest.RunWith(t, apitest.Options{InvestigationDelay: time.Hour}, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		id := mustStartInvestigation(t, adm, g, userARN)
		if len(id) != 21 {
			t.Fatalf("InvestigationId = %q, want 21 digits", id)
		}
		got, err := adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(g), InvestigationId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetInvestigation: %v", err)
		}
		if got.Status != types.StatusRunning || got.Severity != "" || got.EntityType != types.EntityTypeIamUser ||
			got.State != types.StateActive || aws.ToString(got.EntityArn) != userARN || got.ScopeStartTime == nil {
			t.Errorf("running investigation = %+v", got)
		}
		inds, err := adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: aws.String(g), InvestigationId: aws.String(id)})
		if err != nil || len(inds.Indicators) != 0 {
			t.Errorf("ListIndicators while running = %+v, %v; want none", inds, err)
		}

		// Computed now (it has no data, so no indicators), but RUNNING
		// until the delay has passed.
		env.RunJob("run-investigations")
		got, err = adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(g), InvestigationId: aws.String(id)})
		if err != nil || got.Status != types.StatusRunning {
			t.Errorf("computed investigation before the delay = %+v, %v; want RUNNING", got, err)
		}
		env.Clock.Advance(time.Hour)
		got, err = adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(g), InvestigationId: aws.String(id)})
		if err != nil || got.Status != types.StatusSuccessful || got.Severity != types.SeverityInformational {
			t.Errorf("completed investigation = %+v, %v; want SUCCESSFUL INFORMATIONAL", got, err)
		}
		inds, err = adm.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: aws.String(g), InvestigationId: aws.String(id),
			IndicatorType: types.IndicatorTypeImpossibleTravel})
		if err != nil || len(inds.Indicators) != 0 || aws.ToString(inds.InvestigationId) != id {
			t.Errorf("ListIndicators = %+v, %v; want none computed", inds, err)
		}

		roleID := mustStartInvestigation(t, adm, g, "arn:aws:iam::111111111111:role/ops")
		if _, err := adm.UpdateInvestigationState(ctx, &detective.UpdateInvestigationStateInput{GraphArn: aws.String(g),
			InvestigationId: aws.String(roleID), State: types.StateArchived}); err != nil {
			t.Fatalf("UpdateInvestigationState: %v", err)
		}
		archived, err := adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: aws.String(g),
			FilterCriteria: &types.FilterCriteria{State: &types.StringFilter{Value: aws.String("ARCHIVED")}}})
		if err != nil || len(archived.InvestigationDetails) != 1 || aws.ToString(archived.InvestigationDetails[0].InvestigationId) != roleID ||
			archived.InvestigationDetails[0].EntityType != types.EntityTypeIamRole {
			t.Errorf("archived investigations = %+v, %v; want the role's", archived, err)
		}

		_, err = adm.GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(g), InvestigationId: aws.String("123456789012345678901")})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
		_, err = env.Client(third).GetInvestigation(ctx, &detective.GetInvestigationInput{GraphArn: aws.String(g), InvestigationId: aws.String(id)})
		wantAPIError(t, err, "AccessDeniedException", 403)
		for _, bad := range []struct{ name, body string }{
			{"not an IAM principal", `{"GraphArn":"` + g + `","EntityArn":"arn:aws:s3:::bucket","ScopeStartTime":"2025-01-01T00:00:00Z","ScopeEndTime":"2025-01-02T00:00:00Z"}`},
			{"scope backwards", `{"GraphArn":"` + g + `","EntityArn":"` + userARN + `","ScopeStartTime":"2025-01-02T00:00:00Z","ScopeEndTime":"2025-01-01T00:00:00Z"}`},
			{"bad time", `{"GraphArn":"` + g + `","EntityArn":"` + userARN + `","ScopeStartTime":"yesterday","ScopeEndTime":"2025-01-01T00:00:00Z"}`},
			{"missing scope", `{"GraphArn":"` + g + `","EntityArn":"` + userARN + `"}`},
		} {
			resp, body := env.Do(admin, "POST", "/investigations/startInvestigation", bad.body)
			if resp.StatusCode != 400 {
				t.Errorf("StartInvestigation %s = %d %s, want 400", bad.name, resp.StatusCode, body)
			}
		}
		resp, body := env.Do(admin, "POST", "/investigations/getInvestigation", `{"GraphArn":"`+g+`","InvestigationId":"12"}`)
		if resp.StatusCode != 400 {
			t.Errorf("GetInvestigation with a short id = %d %s, want 400", resp.StatusCode, body)
		}
		resp, body = env.Do(admin, "POST", "/investigations/listInvestigations", `{"GraphArn":"`+g+`","FilterCriteria":{"Severity":{"Value":"SEVERE"}}}`)
		if resp.StatusCode != 400 {
			t.Errorf("ListInvestigations with an unknown severity = %d %s, want 400", resp.StatusCode, body)
		}
	})
}

func TestListInvestigationsPagingAndSort(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		var ids []string
		for range 5 {
			ids = append(ids, mustStartInvestigation(t, adm, g, userARN))
			env.Clock.Advance(time.Second)
		}
		var got []string
		p := &detective.ListInvestigationsInput{GraphArn: aws.String(g), MaxResults: aws.Int32(2),
			SortCriteria: &types.SortCriteria{Field: types.FieldCreatedTime, SortOrder: types.SortOrderAsc}}
		for {
			page, err := adm.ListInvestigations(ctx, p)
			if err != nil {
				t.Fatalf("ListInvestigations: %v", err)
			}
			for _, d := range page.InvestigationDetails {
				got = append(got, aws.ToString(d.InvestigationId))
			}
			if page.NextToken == nil {
				break
			}
			p.NextToken = page.NextToken
		}
		if len(got) != 5 {
			t.Fatalf("paged %d investigations, want 5", len(got))
		}
		for i := range ids {
			if got[i] != ids[i] {
				t.Errorf("investigation %d = %s, want %s (oldest first)", i, got[i], ids[i])
			}
		}
		// Default order is newest first.
		def, err := adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: aws.String(g)})
		if err != nil || aws.ToString(def.InvestigationDetails[0].InvestigationId) != ids[4] {
			t.Errorf("default order starts with %v, %v; want the newest %s", def, err, ids[4])
		}
		// A token is bound to its arguments.
		first, err := adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: aws.String(g), MaxResults: aws.Int32(1)})
		if err != nil || first.NextToken == nil {
			t.Fatalf("ListInvestigations = %+v, %v", first, err)
		}
		_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: aws.String(g), NextToken: first.NextToken,
			FilterCriteria: &types.FilterCriteria{State: &types.StringFilter{Value: aws.String("ACTIVE")}}})
		wantAPIError(t, err, "ValidationException", 400)
		// Tokens expire after 24 hours.
		env.Clock.Advance(25 * time.Hour)
		_, err = adm.ListInvestigations(ctx, &detective.ListInvestigationsInput{GraphArn: aws.String(g), MaxResults: aws.Int32(1), NextToken: first.NextToken})
		wantAPIError(t, err, "ValidationException", 400)
	})
}
