package detective

import (
	"testing"
	"time"
)

func TestMemberAt(t *testing.T) {
	invited := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	verified := invited.Add(time.Minute)
	m := Member{Status: MemberStatusInvited, InvitedTime: invited, UpdatedTime: verified, VerifiedTime: verified}
	tests := []struct {
		now         time.Time
		wantStatus  MemberStatus
		wantUpdated time.Time
	}{
		{invited, MemberStatusVerificationInProgress, invited},
		{verified.Add(-time.Millisecond), MemberStatusVerificationInProgress, invited},
		{verified, MemberStatusInvited, verified},
		{verified.Add(time.Hour), MemberStatusInvited, verified},
	}
	for _, tc := range tests {
		got := m.At(tc.now)
		if got.Status != tc.wantStatus || !got.UpdatedTime.Equal(tc.wantUpdated) {
			t.Errorf("At(%v) = %s updated %v, want %s updated %v", tc.now, got.Status, got.UpdatedTime, tc.wantStatus, tc.wantUpdated)
		}
	}
}

func TestAccountIDValid(t *testing.T) {
	for id, want := range map[AccountID]bool{"123456789012": true, "12345678901": false, "1234567890123": false, "12345678901a": false, "": false} {
		if got := id.Valid(); got != want {
			t.Errorf("AccountID(%q).Valid() = %v, want %v", id, got, want)
		}
	}
}
