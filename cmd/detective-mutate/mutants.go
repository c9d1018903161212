package main

import (
	"bytes"
	"fmt"
)

// mutant is one deliberate break of one rule: the text From, which must
// occur exactly once in File, becomes To. Tests is the -run pattern of the
// tests in Packages that claim the rule; they must fail within seconds.
type mutant struct {
	Name     string
	File     string
	From, To string
	Packages []string
	Tests    string
	Postgres bool // the tests that kill it run only on PostgreSQL
}

func (m mutant) apply(src []byte) ([]byte, error) {
	if n := bytes.Count(src, []byte(m.From)); n != 1 {
		return nil, fmt.Errorf("%s: %q occurs %d times in %s, want once", m.Name, m.From, n, m.File)
	}
	return bytes.Replace(src, []byte(m.From), []byte(m.To), 1), nil
}

// mutants is the default set: the member quota, page-token binding,
// internal-error hiding, authorization and the PostgreSQL locks.
func mutants() []mutant {
	const (
		member     = "internal/detective/member.go"
		awsapi     = "./internal/awsapi/"
		quotaTests = "TestMemberQuotaBoundary|TestOrganizationMemberQuota|TestMemberQuotaAndPaging"
		lockTests  = "TestLockGraphSerializesReplicas|TestClaimGraphSkipsLockedGraph|TestClaimOrgEvents|TestLockOrganization"
	)
	return []mutant{
		{
			Name: "quota/off-by-one", File: member,
			From: "if n+adding > s.cfg.MemberLimit {", To: "if n+adding > s.cfg.MemberLimit+1 {",
			Packages: []string{awsapi}, Tests: quotaTests,
		},
		{
			Name: "quota/ignores-batch-size", File: member,
			From: "if n+adding > s.cfg.MemberLimit {", To: "if n+1 > s.cfg.MemberLimit {",
			Packages: []string{awsapi}, Tests: quotaTests,
		},
		{
			Name: "quota/organization-boundary", File: member,
			From: "n >= s.cfg.MemberLimit", To: "n > s.cfg.MemberLimit",
			Packages: []string{awsapi}, Tests: quotaTests,
		},
		{
			Name: "quota/counts-failed-members", File: member,
			From: "var uncountedStatuses = []MemberStatus{MemberStatusVerificationFailed}", To: "var uncountedStatuses = []MemberStatus{}",
			Packages: []string{awsapi}, Tests: quotaTests,
		},
		{
			Name: "quota/counts-failed-invitations", File: member,
			From: "if m.Status != MemberStatusVerificationFailed {\n\t\t\tadding++", To: "if m.Status != \"\" {\n\t\t\tadding++",
			Packages: []string{awsapi}, Tests: quotaTests,
		},
		{
			Name: "token/list-invitations-unscoped", File: "internal/detective/invitation.go",
			From: `scope := string(c.Account) + "/" + c.Region`, To: `scope := ""`,
			Packages: []string{awsapi}, Tests: "TestListInvitationsTokenBoundToCaller",
		},
		{
			Name: "token/list-invitations-no-region", File: "internal/detective/invitation.go",
			From: `scope := string(c.Account) + "/" + c.Region`, To: `scope := string(c.Account)`,
			Packages: []string{awsapi}, Tests: "TestListInvitationsTokenBoundToCaller",
		},
		{
			Name: "token/list-graphs-unscoped", File: "internal/detective/graph.go",
			From: `scope := string(c.Account) + "/" + c.Region`, To: `scope := ""`,
			Packages: []string{"./internal/detective/"}, Tests: "TestListGraphsTokenBoundToCaller",
		},
		{
			Name: "token/unsigned", File: "internal/detective/token.go",
			From: "if string(b[:tokenDigestLen]) != string(tokenDigest(op, scope, after)) {", To: "if false {",
			Packages: []string{"./internal/detective/", awsapi}, Tests: "TestPageToken|TestNextToken|TokenBoundToCaller",
		},
		{
			Name: "internal-error/cause-sent", File: "internal/awsapi/errors.go",
			From: `body.Message = "Internal server error"`, To: `body.Message = e.Message`,
			Packages: []string{awsapi}, Tests: "TestInternalErrorsHideTheirCause",
		},
		{
			Name: "internal-error/sts-cause-sent", File: "internal/stsapi/errors.go",
			From: `d.Type, d.Message = "Receiver", "An internal error occurred."`, To: `d.Type, d.Message = "Receiver", err.Error()`,
			Packages: []string{awsapi}, Tests: "TestInternalErrorsHideTheirCause",
		},
		{
			Name: "authz/any-account-administers", File: "internal/detective/graph.go",
			From: "if AccountID(g.Account) != c.Account {", To: "if false {",
			Packages: []string{awsapi}, Tests: "TestAuthorization",
		},
		{
			Name: "authz/any-region", File: "internal/detective/graph.go",
			From: "if g.Region != c.Region {", To: "if false {",
			Packages: []string{awsapi}, Tests: "TestAuthorization",
		},
		{
			Name: "lock/graph-not-locked", File: "internal/postgres/tx.go",
			From: "WHERE arn = $1 FOR UPDATE`, graph.String())", To: "WHERE arn = $1`, graph.String())",
			Packages: []string{"./internal/postgres/"}, Tests: lockTests, Postgres: true,
		},
		{
			Name: "lock/claim-graph-waits", File: "internal/postgres/tx.go",
			From: "WHERE arn = $1 FOR UPDATE SKIP LOCKED`", To: "WHERE arn = $1 FOR UPDATE`",
			Packages: []string{"./internal/postgres/"}, Tests: lockTests, Postgres: true,
		},
		{
			Name: "lock/claim-org-events-waits", File: "internal/postgres/org_event.go",
			From: "FOR UPDATE SKIP LOCKED`, limit(n))", To: "FOR UPDATE`, limit(n))",
			Packages: []string{"./internal/postgres/"}, Tests: lockTests, Postgres: true,
		},
		{
			Name: "lock/organization-not-locked", File: "internal/postgres/org.go",
			From: "FROM organizations WHERE id = $1 FOR UPDATE`", To: "FROM organizations WHERE id = $1`",
			Packages: []string{"./internal/postgres/"}, Tests: lockTests, Postgres: true,
		},
	}
}
