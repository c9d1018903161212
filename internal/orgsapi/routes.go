package orgsapi

import "net/http"

// route is one Organizations operation: its name (the X-Amz-Target after
// the prefix) and handler.
type route struct {
	name   string
	handle func(*Server, http.ResponseWriter, *request) error
}

// routes is every Organizations operation served, sorted by name. It is
// the only list: dispatch derives from it and TestRoutesMatchSDK checks
// the names against the SDK.
var routes = []route{
	{"AcceptHandshake", (*Server).acceptHandshake},
	{"CancelHandshake", (*Server).cancelHandshake},
	{"CreateAccount", (*Server).createAccount},
	{"CreateOrganization", (*Server).createOrganization},
	{"DeclineHandshake", (*Server).declineHandshake},
	{"DeleteOrganization", (*Server).deleteOrganization},
	{"DeregisterDelegatedAdministrator", (*Server).deregisterDelegatedAdministrator},
	{"DescribeAccount", (*Server).describeAccount},
	{"DescribeCreateAccountStatus", (*Server).describeCreateAccountStatus},
	{"DescribeHandshake", (*Server).describeHandshake},
	{"DescribeOrganization", (*Server).describeOrganization},
	{"DisableAWSServiceAccess", (*Server).disableAWSServiceAccess},
	{"EnableAWSServiceAccess", (*Server).enableAWSServiceAccess},
	{"InviteAccountToOrganization", (*Server).inviteAccountToOrganization},
	{"LeaveOrganization", (*Server).leaveOrganization},
	{"ListAWSServiceAccessForOrganization", (*Server).listAWSServiceAccessForOrganization},
	{"ListAccounts", (*Server).listAccounts},
	{"ListAccountsForParent", (*Server).listAccountsForParent},
	{"ListCreateAccountStatus", (*Server).listCreateAccountStatus},
	{"ListDelegatedAdministrators", (*Server).listDelegatedAdministrators},
	{"ListDelegatedServicesForAccount", (*Server).listDelegatedServicesForAccount},
	{"ListHandshakesForAccount", (*Server).listHandshakesForAccount},
	{"ListHandshakesForOrganization", (*Server).listHandshakesForOrganization},
	{"ListParents", (*Server).listParents},
	{"ListRoots", (*Server).listRoots},
	{"ListTagsForResource", (*Server).listTagsForResource},
	{"RegisterDelegatedAdministrator", (*Server).registerDelegatedAdministrator},
	{"RemoveAccountFromOrganization", (*Server).removeAccountFromOrganization},
	{"TagResource", (*Server).tagResource},
	{"UntagResource", (*Server).untagResource},
}
