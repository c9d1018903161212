package awsapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/world"
)

// Accounts of the running-total tests, each with its daily volume in the
// facts below.
const (
	big1     = "510000000001" // DETECTIVE_CORE 600
	big2     = "510000000002" // DETECTIVE_CORE 600
	eks      = "510000000003" // EKS_AUDIT 600
	probe    = "510000000004" // DETECTIVE_CORE 500
	ingester = "510000000005" // DETECTIVE_CORE 900
)

// totalsOptions sets a volume limit of 1,000 bytes a day, which any two
// of big1, big2 and eks exceed together.
func totalsOptions() apitest.Options {
	return apitest.Options{VolumeLimit: 1000, MemberLimit: 3, Accounts: []world.Account{
		{ID: big1, Volume: volume(600)},
		{ID: big2, Volume: volume(600)},
		{ID: eks, Volume: map[string]int64{string(domain.PackageEKSAudit): 600}},
		{ID: probe, Volume: volume(500)},
		{ID: ingester, Volume: volume(900)},
	}}
}

// wantStatus fails t unless account's record in graph has status and
// reason.
func wantStatus(t testing.TB, c *detective.Client, graph, account string, status types.MemberStatus, reason types.MemberDisabledReason, when string) {
	t.Helper()
	if m := mustGetMember(t, c, graph, account); m.Status != status || m.DisabledReason != reason {
		t.Errorf("%s %s: %s %s, want %s %s", account, when, m.Status, m.DisabledReason, status, reason)
	}
}

func mustStartMonitoring(t testing.TB, c *detective.Client, graph, account string) {
	t.Helper()
	if _, err := c.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: aws.String(graph), AccountId: aws.String(account)}); err != nil {
		t.Fatalf("StartMonitoringMember(%s): %v", account, err)
	}
}

// TestVolumeTotalsFollowDeletes: a member deleted by the administrator or
// gone by its own DisassociateMembership no longer counts, and one the
// waiting-member job enables does.
func TestVolumeTotalsFollowDeletes(t *testing.T) {
	apitest.RunWith(t, totalsOptions(), func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, big1, big2)
		mustAccept(t, env.Client(big1), g)
		mustAccept(t, env.Client(big2), g)
		wantStatus(t, adm, g, big2, types.MemberStatusAcceptedButDisabled, types.MemberDisabledReasonVolumeTooHigh, "beside big1")

		if _, err := adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(g), AccountIds: []string{big1}}); err != nil {
			t.Fatalf("DeleteMembers: %v", err)
		}
		mustStartMonitoring(t, adm, g, big2)
		wantStatus(t, adm, g, big2, types.MemberStatusEnabled, "", "after big1 was deleted")

		mustCreateMembers(t, adm, g, big1)
		mustAccept(t, env.Client(big1), g)
		wantStatus(t, adm, g, big1, types.MemberStatusAcceptedButDisabled, types.MemberDisabledReasonVolumeTooHigh, "invited again beside big2")
		if _, err := env.Client(big2).DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: aws.String(g)}); err != nil {
			t.Fatalf("DisassociateMembership: %v", err)
		}
		mustRunEnableJob(t, env)
		wantStatus(t, adm, g, big1, types.MemberStatusEnabled, "", "after big2 left and the job ran")

		// The job's enabling counts: 600 + 500 is past the limit.
		mustCreateMembers(t, adm, g, probe)
		mustAccept(t, env.Client(probe), g)
		wantStatus(t, adm, g, probe, types.MemberStatusAcceptedButDisabled, types.MemberDisabledReasonVolumeTooHigh, "beside big1 enabled by the job")
	})
}

// TestVolumeTotalsFollowPackages: an ENABLED member's package that stops
// no longer counts, and counts again once started.
func TestVolumeTotalsFollowPackages(t *testing.T) {
	apitest.RunWith(t, totalsOptions(), func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, eks, big2)
		mustAccept(t, env.Client(eks), g)
		mustAccept(t, env.Client(big2), g)
		wantStatus(t, adm, g, big2, types.MemberStatusAcceptedButDisabled, types.MemberDisabledReasonVolumeTooHigh, "beside eks")

		update := func(ps ...types.DatasourcePackage) {
			t.Helper()
			if _, err := adm.UpdateDatasourcePackages(ctx, &detective.UpdateDatasourcePackagesInput{GraphArn: aws.String(g), DatasourcePackages: ps}); err != nil {
				t.Fatalf("UpdateDatasourcePackages(%v): %v", ps, err)
			}
		}
		update(types.DatasourcePackageDetectiveCore) // EKS_AUDIT stops
		mustStartMonitoring(t, adm, g, big2)
		wantStatus(t, adm, g, big2, types.MemberStatusEnabled, "", "after EKS_AUDIT stopped")

		update(types.DatasourcePackageEksAudit) // and starts again: 600 + 600
		_, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(probe)})
		wantAPIError(t, err, "ServiceQuotaExceededException", 402)
	})
}

// TestVolumeTotalsFollowFirstIngest: once a member has ingested into the
// graph, what it measured replaces its estimate in the volume check.
func TestVolumeTotalsFollowFirstIngest(t *testing.T) {
	apitest.RunWith(t, totalsOptions(), func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, ingester)
		mustAccept(t, env.Client(ingester), g)

		line := `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::` + ingester + `:user/bob","accountId":"` + ingester + `"},` +
			`"eventTime":"` + env.Clock.Now().UTC().Format("2006-01-02T15:04:05Z") + `","eventSource":"iam.amazonaws.com","eventName":"ListUsers",` +
			`"awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","eventID":"first-ingest",` +
			`"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"` + ingester + `","eventCategory":"Management"}`
		res, err := env.Pipeline.Ingest(ctx, strings.NewReader(line+"\n"), ingest.Request{Source: "test"})
		if err != nil || res.Accepted != 1 {
			t.Fatalf("Ingest = %+v, %v; want the record accepted", res, err)
		}
		measured := aws.ToInt64(mustGetMember(t, adm, g, ingester).VolumeUsageInBytes)
		if measured <= 0 || measured >= 900 {
			t.Fatalf("ingester's measured volume = %d, want between 0 and its estimate of 900", measured)
		}

		// One byte past the limit with what ingester measured, then exactly
		// at it; past it with ingester's estimate, or with both.
		mustPutAccount(t, env, world.Account{ID: probe, Volume: volume(1000 - measured + 1)})
		mustCreateMembers(t, adm, g, probe)
		mustAccept(t, env.Client(probe), g)
		wantStatus(t, adm, g, probe, types.MemberStatusAcceptedButDisabled, types.MemberDisabledReasonVolumeTooHigh, "a byte past the limit")
		mustPutAccount(t, env, world.Account{ID: probe, Volume: volume(1000 - measured)})
		mustStartMonitoring(t, adm, g, probe)
		wantStatus(t, adm, g, probe, types.MemberStatusEnabled, "", "at the limit")
	})
}

// TestMemberTotalsFollowVerification: an account whose verification
// failed takes no place under the member quota until it is invited again
// and verifies.
func TestMemberTotalsFollowVerification(t *testing.T) {
	opts := totalsOptions()
	opts.MemberLimit = 2
	opts.Accounts = append(opts.Accounts, world.Account{ID: third, RootEmail: email(third)})
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1)
		out, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g),
			Accounts: []types.Account{{AccountId: aws.String(third), EmailAddress: aws.String("wrong@example.com")}}})
		if err != nil || len(out.Members) != 1 {
			t.Fatalf("CreateMembers(third, wrong e-mail) = %+v, %v", out, err)
		}
		wantStatus(t, adm, g, third, types.MemberStatusVerificationFailed, "", "invited with the wrong e-mail")

		mustCreateMembers(t, adm, g, third) // the right e-mail: INVITED, the second place
		_, err = adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(member2)})
		wantAPIError(t, err, "ServiceQuotaExceededException", 402)
	})
}
