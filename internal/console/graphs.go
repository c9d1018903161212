package console

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// graphView is one graph the account administers, with what its page
// shows.
type graphView struct {
	ARN        string
	Created    string
	Members    []detective.Member
	Packages   []detective.PackageState
	OrgAdmin   bool // the graph is its organization's Detective graph
	AutoEnable bool
}

type graphsData struct {
	Graphs      []graphView
	Invitations []detective.Member
	OrgAdmins   []detective.OrgAdmin
	// IsManagement: the account manages an organization, so the
	// organization's Detective administrator is shown.
	IsManagement bool
}

// graphs shows the account's graphs with their members and packages, the
// invitations it has received, and its organization's administrator.
func (h *Handler) graphs(w http.ResponseWriter, r *http.Request, s session) error {
	ctx, c, svc := r.Context(), s.caller(), h.cfg.Service
	var d graphsData
	gs, err := svc.ListGraphs(ctx, c, detective.ListGraphsInput{})
	if err != nil {
		return err
	}
	for _, g := range gs.Graphs {
		v := graphView{ARN: g.ARN.String(), Created: when(g.CreatedTime)}
		if v.Members, err = allMembers(r, svc, c, g.ARN); err != nil {
			return err
		}
		ps, err := svc.ListDatasourcePackages(ctx, c, detective.ListDatasourcePackagesInput{Graph: g.ARN})
		if err != nil {
			return err
		}
		v.Packages = ps.Packages
		auto, err := svc.DescribeOrganizationConfiguration(ctx, c, g.ARN)
		switch {
		case err == nil:
			v.OrgAdmin, v.AutoEnable = true, auto
		case !isRefusal(err):
			return err
		}
		d.Graphs = append(d.Graphs, v)
	}
	for next := ""; ; {
		inv, err := svc.ListInvitations(ctx, c, detective.ListInvitationsInput{NextToken: next})
		if err != nil {
			return err
		}
		d.Invitations = append(d.Invitations, inv.Invitations...)
		if next = inv.NextToken; next == "" {
			break
		}
	}
	admins, err := svc.ListOrganizationAdminAccounts(ctx, c, "", 0)
	switch {
	case err == nil:
		d.IsManagement, d.OrgAdmins = true, admins.Admins
	case !isRefusal(err):
		return err
	}
	h.render(w, r, "graphs", s, d)
	return nil
}

// isRefusal reports whether err is the domain saying the caller may not
// (an account in no organization, not its administrator): a part of the
// page the account does not have, not a failure.
func isRefusal(err error) bool {
	k := detective.KindOf(err)
	return k == detective.KindAccessDenied || k == detective.KindNotFound || k == detective.KindValidation
}

func allMembers(r *http.Request, svc *detective.Service, c detective.Caller, g arn.ARN) ([]detective.Member, error) {
	var out []detective.Member
	for next := ""; ; {
		page, err := svc.ListMembers(r.Context(), c, detective.ListMembersInput{Graph: g, NextToken: next})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Members...)
		if next = page.NextToken; next == "" {
			return out, nil
		}
	}
}

func formGraph(r *http.Request) (arn.ARN, error) {
	a, err := arn.ParseGraph(r.FormValue("graph"))
	if err != nil {
		return arn.ARN{}, badInput("graph %q is not a behavior graph ARN", r.FormValue("graph"))
	}
	return a, nil
}

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, s session) error {
	g, err := formGraph(r)
	if err != nil {
		return err
	}
	if err := h.cfg.Service.AcceptInvitation(r.Context(), s.caller(), g); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"graphs", http.StatusSeeOther)
	return nil
}

func (h *Handler) rejectInvitation(w http.ResponseWriter, r *http.Request, s session) error {
	g, err := formGraph(r)
	if err != nil {
		return err
	}
	if err := h.cfg.Service.RejectInvitation(r.Context(), s.caller(), g); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"graphs", http.StatusSeeOther)
	return nil
}
