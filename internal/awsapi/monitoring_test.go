package awsapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/apitest"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func volume(bytes int64) map[string]int64 {
	return map[string]int64{string(domain.PackageDetectiveCore): bytes}
}

func mustPutAccount(t testing.TB, env *apitest.Env, a world.Account) {
	t.Helper()
	if err := env.Store.World().Write(context.Background(), func(tx world.Tx) error { return tx.PutAccount(context.Background(), a) }); err != nil {
		t.Fatalf("PutAccount: %v", err)
	}
}

func mustRunEnableJob(t testing.TB, env *apitest.Env) {
	t.Helper()
	resp, err := http.Post(env.URL+"/_detective/jobs/enable-waiting-members", "application/json", nil)
	if err != nil {
		t.Fatalf("enable-waiting-members: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("enable-waiting-members = %d", resp.StatusCode)
	}
}

// TestAcceptedButDisabled: members Detective cannot take are
// ACCEPTED_BUT_DISABLED with the reason, and are enabled when room appears.
func TestAcceptedButDisabled(t *testing.T) {
	opts := apitest.Options{VolumeLimit: 1000, Accounts: []world.Account{
		{ID: member1, Volume: volume(600)},
		{ID: member2, Volume: volume(600)},
		{ID: third, GuardDutyDisabled: true},
	}}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		mustCreateMembers(t, adm, g, member1, member2, third)
		mustAccept(t, env.Client(member1), g)
		mustAccept(t, env.Client(member2), g)
		mustAccept(t, env.Client(third), g)

		if m := mustGetMember(t, adm, g, member1); m.Status != types.MemberStatusEnabled || aws.ToInt64(m.VolumeUsageInBytes) != 600 {
			t.Errorf("member1 = %s volume %d, want ENABLED with 600 bytes", m.Status, aws.ToInt64(m.VolumeUsageInBytes))
		}
		m2 := mustGetMember(t, adm, g, member2)
		if m2.Status != types.MemberStatusAcceptedButDisabled || m2.DisabledReason != types.MemberDisabledReasonVolumeTooHigh {
			t.Errorf("member2 = %s %s, want ACCEPTED_BUT_DISABLED VOLUME_TOO_HIGH", m2.Status, m2.DisabledReason)
		}
		if m := mustGetMember(t, adm, g, third); m.Status != types.MemberStatusAcceptedButDisabled || m.DisabledReason != types.MemberDisabledReasonVolumeUnknown {
			t.Errorf("third = %s %s, want ACCEPTED_BUT_DISABLED VOLUME_UNKNOWN", m.Status, m.DisabledReason)
		}
		if inv := listInvitations(t, env.Client(member2)); len(inv) != 1 || inv[0].Status != types.MemberStatusAcceptedButDisabled {
			t.Errorf("member2 ListInvitations = %+v, want the accepted invitation", inv)
		}

		// StartMonitoringMember: still no room, so it stays disabled.
		if _, err := adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: aws.String(g), AccountId: aws.String(member2)}); err != nil {
			t.Fatalf("StartMonitoringMember: %v", err)
		}
		if m := mustGetMember(t, adm, g, member2); m.Status != types.MemberStatusAcceptedButDisabled {
			t.Errorf("member2 after StartMonitoringMember without room = %s", m.Status)
		}
		_, err := adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: aws.String(g), AccountId: aws.String(member1)})
		wantAPIError(t, err, "ConflictException", 409)
		_, err = adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: aws.String(g), AccountId: aws.String("999999999999")})
		wantAPIError(t, err, "ResourceNotFoundException", 404)

		// Room appears: the periodic job enables the waiting member.
		if _, err := adm.DeleteMembers(ctx, &detective.DeleteMembersInput{GraphArn: aws.String(g), AccountIds: []string{member1}}); err != nil {
			t.Fatalf("DeleteMembers: %v", err)
		}
		mustRunEnableJob(t, env)
		if m := mustGetMember(t, adm, g, member2); m.Status != types.MemberStatusEnabled || m.DisabledReason != "" {
			t.Errorf("member2 after the job = %s %s, want ENABLED", m.Status, m.DisabledReason)
		}
		// GuardDuty enrolment, then StartMonitoringMember enables on demand.
		mustPutAccount(t, env, world.Account{ID: third})
		if _, err := adm.StartMonitoringMember(ctx, &detective.StartMonitoringMemberInput{GraphArn: aws.String(g), AccountId: aws.String(third)}); err != nil {
			t.Fatalf("StartMonitoringMember: %v", err)
		}
		if m := mustGetMember(t, adm, g, third); m.Status != types.MemberStatusEnabled {
			t.Errorf("third after enrolling in GuardDuty = %s, want ENABLED", m.Status)
		}
	})
}

// TestVolumeQuota: a graph above the volume limit takes no new members.
func TestVolumeQuota(t *testing.T) {
	opts := apitest.Options{VolumeLimit: 1000, Accounts: []world.Account{{ID: admin, Volume: volume(2000)}}}
	apitest.RunWith(t, opts, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		_, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(g), Accounts: accounts(member1)})
		wantAPIError(t, err, "ServiceQuotaExceededException", 402)
		var quota *types.ServiceQuotaExceededException
		if errorsAs(err, &quota) && (len(quota.Resources) != 1 || quota.Resources[0] != "DataVolume") {
			t.Errorf("Resources = %v, want [DataVolume]", quota.Resources)
		}
	})
}
