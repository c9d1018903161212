package operator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/world"
)

// handleWorld routes the endpoints that read and change the world:
//
//	GET  /_detective/accounts              every account's facts
//	GET  /_detective/accounts/{id}         one account's facts (404 if unknown)
//	PUT  /_detective/accounts/{id}         replace one account's facts
//	GET  /_detective/organizations         every organization, with accounts, services, delegated administrators
//	GET  /_detective/organizations/{id}    one organization
//	POST /_detective/organizations         declare an organization, as in the seed file (idempotent)
//	GET  /_detective/org-events            the organization event log
func (h *Handler) handleWorld() {
	h.mux.HandleFunc("GET "+Prefix+"accounts", h.listAccounts)
	h.mux.HandleFunc("GET "+Prefix+"accounts/{id}", h.getAccount)
	h.mux.HandleFunc("PUT "+Prefix+"accounts/{id}", h.putAccount)
	h.mux.HandleFunc("GET "+Prefix+"organizations", h.listOrganizations)
	h.mux.HandleFunc("GET "+Prefix+"organizations/{id}", h.getOrganization)
	h.mux.HandleFunc("POST "+Prefix+"organizations", h.postOrganization)
	h.mux.HandleFunc("GET "+Prefix+"org-events", h.listOrgEvents)
}

// AccountFacts is an account as the seed file and the operator endpoints
// spell it.
type AccountFacts struct {
	ID    string `json:"id"`
	Email string `json:"email,omitempty"`
	// Name is the account's name in its organization: the seed file gives
	// it to the organizations it declares; PUT renames a member.
	Name string `json:"name,omitempty"`
	// GuardDuty is whether the account is enrolled in GuardDuty; absent
	// means enrolled.
	GuardDuty *bool `json:"guardDuty,omitempty"`
	// Volume is the daily data volume in bytes per datasource package
	// (DETECTIVE_CORE, EKS_AUDIT, ASFF_SECURITYHUB_FINDING).
	Volume map[string]int64 `json:"volume,omitempty"`
}

// Account checks f and returns the facts it declares.
func (f AccountFacts) Account() (world.Account, error) {
	a := world.Account{ID: detective.AccountID(f.ID), RootEmail: f.Email}
	if !a.ID.Valid() {
		return a, fmt.Errorf("account id %q is not 12 digits", f.ID)
	}
	if f.GuardDuty != nil {
		a.GuardDutyDisabled = !*f.GuardDuty
	}
	for p, v := range f.Volume {
		pkg := detective.DatasourcePackage(p)
		known := false
		for _, k := range detective.DatasourcePackages() {
			known = known || k == pkg
		}
		if !known {
			return a, fmt.Errorf("account %s: volume: %q is not a datasource package (want one of %v)", f.ID, p, detective.DatasourcePackages())
		}
		if v < 0 {
			return a, fmt.Errorf("account %s: volume of %s is negative", f.ID, p)
		}
		if a.Volume == nil {
			a.Volume = map[string]int64{}
		}
		a.Volume[p] = v
	}
	return a, nil
}

// accountJSON is an account as the operator endpoints answer it: its
// facts, and its organization when it belongs to one.
type accountJSON struct {
	AccountFacts
	Organization string `json:"organizationId,omitempty"`
	JoinedMethod string `json:"joinedMethod,omitempty"`
}

func newAccountJSON(st organizations.AccountState) accountJSON {
	out := accountJSON{AccountFacts: newAccountFacts(st.Account)}
	if m := st.Membership; m != nil {
		out.Name, out.Organization, out.JoinedMethod = m.Name, m.Org, string(m.Method)
	}
	return out
}

func newAccountFacts(a world.Account) AccountFacts {
	enrolled := !a.GuardDutyDisabled
	f := AccountFacts{ID: string(a.ID), Email: a.RootEmail, GuardDuty: &enrolled, Volume: map[string]int64{}}
	for p, v := range a.Volume {
		f.Volume[p] = v
	}
	return f
}

// OrganizationDecl is an organization as the seed file and POST
// /_detective/organizations declare it.
type OrganizationDecl struct {
	ID                      string               `json:"id,omitempty"`
	Management              string               `json:"managementAccountId"`
	FeatureSet              string               `json:"featureSet,omitempty"`
	Members                 []MemberDecl         `json:"members,omitempty"`
	EnabledServices         []string             `json:"enabledServices,omitempty"`
	DelegatedAdministrators []DelegatedAdminDecl `json:"delegatedAdministrators,omitempty"`
}

// MemberDecl is a member account: an account ID, or an object with its
// name and how it joined (CREATED, the default, or INVITED).
type MemberDecl struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	JoinedMethod string `json:"joinedMethod,omitempty"`
}

// UnmarshalJSON accepts "123456789012" as well as the object form.
func (m *MemberDecl) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		*m = MemberDecl{ID: id}
		return nil
	}
	type plain MemberDecl
	return json.Unmarshal(b, (*plain)(m))
}

// DelegatedAdminDecl is a delegated administrator registration.
type DelegatedAdminDecl struct {
	AccountID        string `json:"accountId"`
	ServicePrincipal string `json:"servicePrincipal"`
}

// Organization returns the declared organization; names, when the
// declaration gives none, come from names.
func (d OrganizationDecl) Organization(names map[detective.AccountID]string) organizations.SeedOrganization {
	so := organizations.SeedOrganization{ID: d.ID, Management: detective.AccountID(d.Management),
		ManagementName: names[detective.AccountID(d.Management)], FeatureSet: world.FeatureSet(d.FeatureSet),
		EnabledServices: d.EnabledServices}
	for _, m := range d.Members {
		name := m.Name
		if name == "" {
			name = names[detective.AccountID(m.ID)]
		}
		so.Members = append(so.Members, organizations.SeedMember{Account: detective.AccountID(m.ID), Name: name,
			Method: world.JoinedMethod(m.JoinedMethod)})
	}
	for _, a := range d.DelegatedAdministrators {
		so.DelegatedAdministrators = append(so.DelegatedAdministrators,
			organizations.SeedDelegatedAdmin{Account: detective.AccountID(a.AccountID), ServicePrincipal: a.ServicePrincipal})
	}
	return so
}

// isoTime is the operator endpoints' time format: ISO-8601 with
// milliseconds, as the Detective API writes times.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

type organizationJSON struct {
	ID                      string               `json:"id"`
	Management              string               `json:"managementAccountId"`
	FeatureSet              string               `json:"featureSet"`
	RootID                  string               `json:"rootId"`
	Created                 string               `json:"createdTimestamp"`
	Accounts                []orgAccountJSON     `json:"accounts"`
	EnabledServices         []serviceAccessJSON  `json:"enabledServices"`
	DelegatedAdministrators []delegatedAdminJSON `json:"delegatedAdministrators"`
}

type orgAccountJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`
	JoinedMethod string `json:"joinedMethod"`
	Joined       string `json:"joinedTimestamp"`
	Status       string `json:"status"`
}

type serviceAccessJSON struct {
	ServicePrincipal string `json:"servicePrincipal"`
	Enabled          string `json:"enabledTimestamp"`
}

type delegatedAdminJSON struct {
	AccountID        string `json:"accountId"`
	ServicePrincipal string `json:"servicePrincipal"`
	Registered       string `json:"registeredTimestamp"`
}

func newOrganizationJSON(st organizations.OrganizationState) organizationJSON {
	o := st.Organization
	out := organizationJSON{ID: o.ID, Management: string(o.Management), FeatureSet: string(o.FeatureSet), RootID: o.RootID,
		Created: isoTime(o.CreatedTime), Accounts: []orgAccountJSON{}, EnabledServices: []serviceAccessJSON{},
		DelegatedAdministrators: []delegatedAdminJSON{}}
	for _, a := range st.Accounts {
		out.Accounts = append(out.Accounts, orgAccountJSON{ID: string(a.Account), Name: a.Name, JoinedMethod: string(a.Method),
			Joined: isoTime(a.JoinedTime), Status: string(a.Status)})
	}
	for _, s := range st.EnabledServices {
		out.EnabledServices = append(out.EnabledServices, serviceAccessJSON{ServicePrincipal: s.ServicePrincipal, Enabled: isoTime(s.EnabledTime)})
	}
	for _, d := range st.DelegatedAdministrators {
		out.DelegatedAdministrators = append(out.DelegatedAdministrators,
			delegatedAdminJSON{AccountID: string(d.Account), ServicePrincipal: d.ServicePrincipal, Registered: isoTime(d.RegisteredTime)})
	}
	return out
}

type orgEventJSON struct {
	Organization     string `json:"organizationId"`
	Seq              int64  `json:"seq"`
	ID               string `json:"id"`
	Type             string `json:"type"`
	Management       string `json:"managementAccountId"`
	Account          string `json:"accountId,omitempty"`
	JoinedMethod     string `json:"joinedMethod,omitempty"`
	ServicePrincipal string `json:"servicePrincipal,omitempty"`
	Time             string `json:"timestamp"`
	Processed        string `json:"processedTimestamp,omitempty"`
}

func (h *Handler) listAccounts(w http.ResponseWriter, r *http.Request) {
	as, err := h.orgs.Accounts(r.Context())
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	orgs, err := h.orgs.Organizations(r.Context())
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	memberships := map[detective.AccountID]world.OrgAccount{}
	for _, o := range orgs {
		for _, m := range o.Accounts {
			memberships[m.Account] = m
		}
	}
	out := make([]accountJSON, 0, len(as))
	for _, a := range as {
		st := organizations.AccountState{Account: a}
		if m, ok := memberships[a.ID]; ok {
			st.Membership = &m
		}
		out = append(out, newAccountJSON(st))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (h *Handler) getAccount(w http.ResponseWriter, r *http.Request) {
	st, err := h.orgs.AccountFacts(r.Context(), detective.AccountID(r.PathValue("id")))
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAccountJSON(st))
}

func (h *Handler) putAccount(w http.ResponseWriter, r *http.Request) {
	var f AccountFacts
	if !decode(w, r, &f) {
		return
	}
	if f.ID != "" && f.ID != r.PathValue("id") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": "the body's id is not the path's"})
		return
	}
	f.ID = r.PathValue("id")
	a, err := f.Account()
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": err.Error()})
		return
	}
	if err := h.orgs.PutAccountFacts(r.Context(), a, f.Name); err != nil {
		h.worldError(w, r, err)
		return
	}
	st, err := h.orgs.AccountFacts(r.Context(), a.ID)
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newAccountJSON(st))
}

func (h *Handler) listOrganizations(w http.ResponseWriter, r *http.Request) {
	sts, err := h.orgs.Organizations(r.Context())
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	out := make([]organizationJSON, 0, len(sts))
	for _, st := range sts {
		out = append(out, newOrganizationJSON(st))
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": out})
}

func (h *Handler) getOrganization(w http.ResponseWriter, r *http.Request) {
	st, err := h.orgs.OrganizationByID(r.Context(), r.PathValue("id"))
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newOrganizationJSON(st))
}

func (h *Handler) postOrganization(w http.ResponseWriter, r *http.Request) {
	var d OrganizationDecl
	if !decode(w, r, &d) {
		return
	}
	st, err := h.orgs.ApplyOrganization(r.Context(), d.Organization(nil))
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newOrganizationJSON(st))
}

func (h *Handler) listOrgEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	unprocessed := false
	if v := q.Get("unprocessed"); v != "" {
		var err error
		if unprocessed, err = strconv.ParseBool(v); err != nil {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "unprocessed must be true or false, not "+strconv.Quote(v))
			return
		}
	}
	es, err := h.orgs.OrgEvents(r.Context(), world.ListOrgEventsParams{Org: q.Get("organization"), Unprocessed: unprocessed})
	if err != nil {
		h.worldError(w, r, err)
		return
	}
	out := make([]orgEventJSON, 0, len(es))
	for _, e := range es {
		out = append(out, orgEventJSON{Organization: e.Org, Seq: e.Seq, ID: e.ID, Type: string(e.Type), Management: string(e.Management),
			Account: string(e.Account), JoinedMethod: string(e.Method), ServicePrincipal: e.ServicePrincipal,
			Time: isoTime(e.Time), Processed: isoTime(e.ProcessedTime)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// decode reads a JSON body into v, answering 400 itself when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidBody", "could not read the request body: "+err.Error())
		return false
	}
	if frame.HasNUL(body) {
		// PostgreSQL text cannot hold NUL, and no fact needs it.
		writeError(w, http.StatusBadRequest, "InvalidBody", "strings must not contain the NUL character (U+0000)")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields() // a misspelt fact must not pass for an absent one
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidBody", "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// worldError answers an error of the organizations service: its message
// for what the operator can fix, a fixed one (and a log line) for internal
// failures.
func (h *Handler) worldError(w http.ResponseWriter, r *http.Request, err error) {
	var e *organizations.Error
	if !errors.As(err, &e) {
		e = organizations.AsError(err)
	}
	switch e.Code {
	case organizations.CodeService:
		h.log.ErrorContext(r.Context(), "operator request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error"})
	case organizations.CodeAccountNotFound, organizations.CodeTargetNotFound:
		writeJSON(w, http.StatusNotFound, map[string]string{"status": "error", "message": e.Message})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "code": string(e.Code), "message": e.Message})
	}
}
