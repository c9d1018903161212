package awsapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
)

func packageStates(t testing.TB, c *detective.Client, g string) map[string]types.DatasourcePackageIngestDetail {
	t.Helper()
	out, err := c.ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: aws.String(g)})
	if err != nil {
		t.Fatalf("ListDatasourcePackages: %v", err)
	}
	return out.DatasourcePackages
}

func TestDatasourcePackages(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		ps := packageStates(t, adm, g)
		if len(ps) != 3 {
			t.Fatalf("new graph packages = %v, want all three", ps)
		}
		for p, d := range ps {
			if d.DatasourcePackageIngestState != types.DatasourcePackageIngestStateStarted || d.LastIngestStateChange["STARTED"].Timestamp == nil {
				t.Errorf("new graph package %s = %+v, want STARTED with its time", p, d)
			}
		}

		// The list is the desired set of started packages; DETECTIVE_CORE always stays.
		if _, err := adm.UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: aws.String(g),
			DatasourcePackages: []types.DatasourcePackage{types.DatasourcePackageEksAudit}}); err != nil {
			t.Fatalf("UpdateDatasourcePackages: %v", err)
		}
		ps = packageStates(t, adm, g)
		want := map[types.DatasourcePackage]types.DatasourcePackageIngestState{
			types.DatasourcePackageDetectiveCore:          types.DatasourcePackageIngestStateStarted,
			types.DatasourcePackageEksAudit:               types.DatasourcePackageIngestStateStarted,
			types.DatasourcePackageAsffSecurityhubFinding: types.DatasourcePackageIngestStateStopped,
		}
		for p, state := range want {
			if ps[string(p)].DatasourcePackageIngestState != state {
				t.Errorf("after update %s = %s, want %s", p, ps[string(p)].DatasourcePackageIngestState, state)
			}
		}
		if ps[string(types.DatasourcePackageAsffSecurityhubFinding)].LastIngestStateChange["STOPPED"].Timestamp == nil {
			t.Errorf("stopped package has no STOPPED time: %+v", ps[string(types.DatasourcePackageAsffSecurityhubFinding)])
		}

		// Pages of one.
		seen := 0
		p := detective.NewListDatasourcePackagesPaginator(adm, &detective.ListDatasourcePackagesInput{GraphArn: aws.String(g), MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListDatasourcePackages page: %v", err)
			}
			seen += len(page.DatasourcePackages)
		}
		if seen != 3 {
			t.Errorf("paged %d packages, want 3", seen)
		}

		_, err := env.Client(third).ListDatasourcePackages(ctx, &detective.ListDatasourcePackagesInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "AccessDeniedException", 403)
		_, err = env.Client(admin).UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: aws.String(g),
			DatasourcePackages: []types.DatasourcePackage{"NOPE"}})
		wantAPIError(t, err, "ValidationException", 400)
		var invalid *types.ValidationException
		if errorsAs(err, &invalid) && invalid.ErrorCode_ != types.ErrorCodeInvalidRequestBody {
			t.Errorf("UpdateDatasourcePackages with an unknown package: ErrorCode = %q, want %q", invalid.ErrorCode_, types.ErrorCodeInvalidRequestBody)
		}
	})
}

func TestMemberDatasources(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm, m1 := env.Client(admin), env.Client(member1)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1, member2)
		mustAccept(t, m1, g)

		enabled := mustGetMember(t, adm, g, member1)
		if len(enabled.DatasourcePackageIngestStates) != 3 || enabled.VolumeUsageByDatasourcePackage == nil || enabled.PercentOfGraphUtilization == nil {
			t.Errorf("ENABLED member detail lacks package states or volume: %+v", enabled)
		}
		if invited := mustGetMember(t, adm, g, member2); invited.DatasourcePackageIngestStates != nil || invited.VolumeUsageInBytes != nil {
			t.Errorf("INVITED member detail has volume fields: %+v", invited)
		}

		out, err := adm.BatchGetGraphMemberDatasources(ctx, &detective.BatchGetGraphMemberDatasourcesInput{
			GraphArn: aws.String(g), AccountIds: []string{member1, member2, admin}})
		if err != nil {
			t.Fatalf("BatchGetGraphMemberDatasources: %v", err)
		}
		if len(out.MemberDatasources) != 2 || len(out.UnprocessedAccounts) != 1 || aws.ToString(out.UnprocessedAccounts[0].AccountId) != member2 {
			t.Errorf("BatchGetGraphMemberDatasources = %+v / %+v, want member1 and admin, member2 unprocessed", out.MemberDatasources, out.UnprocessedAccounts)
		}
		for _, md := range out.MemberDatasources {
			if h := md.DatasourcePackageIngestHistory[string(types.DatasourcePackageDetectiveCore)]; h["STARTED"].Timestamp == nil {
				t.Errorf("history of %s = %+v, want DETECTIVE_CORE started", aws.ToString(md.AccountId), md.DatasourcePackageIngestHistory)
			}
		}

		// Stopping a package at graph level stops it for enabled members.
		if _, err := adm.UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: aws.String(g),
			DatasourcePackages: []types.DatasourcePackage{types.DatasourcePackageDetectiveCore}}); err != nil {
			t.Fatalf("UpdateDatasourcePackages: %v", err)
		}
		if got := mustGetMember(t, adm, g, member1).DatasourcePackageIngestStates[string(types.DatasourcePackageEksAudit)]; got != types.DatasourcePackageIngestStateStopped {
			t.Errorf("member EKS_AUDIT after the graph stopped it = %s, want STOPPED", got)
		}

		other := mustCreateGraph(t, env.Client(third))
		mine, err := m1.BatchGetMembershipDatasources(ctx, &detective.BatchGetMembershipDatasourcesInput{GraphArns: []string{g, other}})
		if err != nil {
			t.Fatalf("BatchGetMembershipDatasources: %v", err)
		}
		if len(mine.MembershipDatasources) != 1 || aws.ToString(mine.MembershipDatasources[0].GraphArn) != g ||
			len(mine.UnprocessedGraphs) != 1 || aws.ToString(mine.UnprocessedGraphs[0].GraphArn) != other {
			t.Errorf("BatchGetMembershipDatasources = %+v / %+v", mine.MembershipDatasources, mine.UnprocessedGraphs)
		}
		missing := "arn:aws:detective:us-east-1:" + third + ":graph:00000000000000000000000000000000"
		_, err = m1.BatchGetMembershipDatasources(ctx, &detective.BatchGetMembershipDatasourcesInput{GraphArns: []string{missing}})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
	})
}
