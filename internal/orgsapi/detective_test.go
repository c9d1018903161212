package orgsapi_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
)

// TestDetectiveReactsToOrganizations: Detective's organization behaviour
// is driven by this world. Designating a Detective administrator registers
// it as the delegated administrator for Detective, and with AutoEnable an
// account created in the organization becomes a member of the
// administrator's graph once the event log is processed.
func TestDetectiveReactsToOrganizations(t *testing.T) {
	apitest.RunWorld(t, apitest.Options{}, organizations.Seed{}, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := orgs(env, management)
		mustCreateOrganization(t, env, management)
		security := mustCreateAccount(t, env, management, "security@example.com", "Security")
		if _, err := env.Client(management).EnableOrganizationAdminAccount(ctx, &detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(security)}); err != nil {
			t.Fatalf("EnableOrganizationAdminAccount: %v", err)
		}
		das, err := c.ListDelegatedAdministrators(ctx, &orgsdk.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(detectivePrincipal)})
		if err != nil || len(das.DelegatedAdministrators) != 1 || aws.ToString(das.DelegatedAdministrators[0].Id) != security {
			t.Fatalf("ListDelegatedAdministrators(detective) = %+v, %v; want the Detective administrator", das, err)
		}
		admin := env.Client(security)
		graphs, err := admin.ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil || len(graphs.GraphList) != 1 {
			t.Fatalf("ListGraphs by the administrator = %+v, %v", graphs, err)
		}
		graph := graphs.GraphList[0].Arn
		if _, err := admin.UpdateOrganizationConfiguration(ctx, &detective.UpdateOrganizationConfigurationInput{GraphArn: graph, AutoEnable: true}); err != nil {
			t.Fatalf("UpdateOrganizationConfiguration: %v", err)
		}
		joined := mustCreateAccount(t, env, management, "joined@example.com", "Joined")
		resp, err := http.Post(env.URL+"/_detective/jobs/process-org-events", "application/json", nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("process-org-events = %v, %v", resp, err)
		}
		resp.Body.Close()
		members, err := admin.ListMembers(ctx, &detective.ListMembersInput{GraphArn: graph})
		if err != nil {
			t.Fatalf("ListMembers: %v", err)
		}
		var ids []string
		for _, m := range members.MemberDetails {
			ids = append(ids, aws.ToString(m.AccountId))
		}
		if !slices.Contains(ids, joined) {
			t.Errorf("members after %s joined = %v, want it enrolled by AutoEnable", joined, ids)
		}
		for _, e := range orgEvents(t, env) {
			if !e.Processed {
				t.Errorf("event %s/%d (%s) is unprocessed after the job ran", e.Organization, e.Seq, e.Type)
			}
		}
	})
}
