package awsapi

import "net/http"

// route is one Detective operation: its AWS name, its method and path from
// the service model's @http trait, and its handler.
type route struct {
	name    string
	pattern string
	handle  func(*Server, http.ResponseWriter, *http.Request) error
}

// routes is every Detective operation, sorted by name. It is the only list:
// the mux derives from it and TestRoutesMatchSDK checks it against the SDK.
var routes = []route{
	{"AcceptInvitation", "PUT /invitation", (*Server).acceptInvitation},
	{"BatchGetGraphMemberDatasources", "POST /graph/datasources/get", (*Server).batchGetGraphMemberDatasources},
	{"BatchGetMembershipDatasources", "POST /membership/datasources/get", (*Server).batchGetMembershipDatasources},
	{"CreateGraph", "POST /graph", (*Server).createGraph},
	{"CreateMembers", "POST /graph/members", (*Server).createMembers},
	{"DeleteGraph", "POST /graph/removal", (*Server).deleteGraph},
	{"DeleteMembers", "POST /graph/members/removal", (*Server).deleteMembers},
	{"DescribeOrganizationConfiguration", "POST /orgs/describeOrganizationConfiguration", (*Server).describeOrganizationConfiguration},
	{"DisableOrganizationAdminAccount", "POST /orgs/disableAdminAccount", (*Server).disableOrganizationAdminAccount},
	{"DisassociateMembership", "POST /membership/removal", (*Server).disassociateMembership},
	{"EnableOrganizationAdminAccount", "POST /orgs/enableAdminAccount", (*Server).enableOrganizationAdminAccount},
	{"GetInvestigation", "POST /investigations/getInvestigation", (*Server).getInvestigation},
	{"GetMembers", "POST /graph/members/get", (*Server).getMembers},
	{"ListDatasourcePackages", "POST /graph/datasources/list", (*Server).listDatasourcePackages},
	{"ListGraphs", "POST /graphs/list", (*Server).listGraphs},
	{"ListIndicators", "POST /investigations/listIndicators", (*Server).listIndicators},
	{"ListInvestigations", "POST /investigations/listInvestigations", (*Server).listInvestigations},
	{"ListInvitations", "POST /invitations/list", (*Server).listInvitations},
	{"ListMembers", "POST /graph/members/list", (*Server).listMembers},
	{"ListOrganizationAdminAccounts", "POST /orgs/adminAccountslist", (*Server).listOrganizationAdminAccounts},
	{"ListTagsForResource", "GET /tags/{ResourceArn}", (*Server).listTagsForResource},
	{"RejectInvitation", "POST /invitation/removal", (*Server).rejectInvitation},
	{"StartInvestigation", "POST /investigations/startInvestigation", (*Server).startInvestigation},
	{"StartMonitoringMember", "POST /graph/member/monitoringstate", (*Server).startMonitoringMember},
	{"TagResource", "POST /tags/{ResourceArn}", (*Server).tagResource},
	{"UntagResource", "DELETE /tags/{ResourceArn}", (*Server).untagResource},
	{"UpdateDatasourcePackages", "POST /graph/datasources/update", (*Server).updateDatasourcePackages},
	{"UpdateInvestigationState", "POST /investigations/updateInvestigationState", (*Server).updateInvestigationState},
	{"UpdateOrganizationConfiguration", "POST /orgs/updateOrganizationConfiguration", (*Server).updateOrganizationConfiguration},
}
