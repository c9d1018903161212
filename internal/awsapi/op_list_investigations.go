package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

type stringFilter struct {
	Value *string `json:"Value"`
}

type dateFilter struct {
	StartInclusive *wireTime `json:"StartInclusive"`
	EndInclusive   *wireTime `json:"EndInclusive"`
}

type listInvestigationsRequest struct {
	GraphArn       *string `json:"GraphArn"`
	NextToken      *string `json:"NextToken"`
	MaxResults     *int    `json:"MaxResults"`
	FilterCriteria *struct {
		Severity    *stringFilter `json:"Severity"`
		Status      *stringFilter `json:"Status"`
		State       *stringFilter `json:"State"`
		EntityArn   *stringFilter `json:"EntityArn"`
		CreatedTime *dateFilter   `json:"CreatedTime"`
	} `json:"FilterCriteria"`
	SortCriteria *struct {
		Field     *string `json:"Field"`
		SortOrder *string `json:"SortOrder"`
	} `json:"SortCriteria"`
}

type listInvestigationsResponse struct {
	InvestigationDetails []investigationDetail `json:"InvestigationDetails"`
	NextToken            string                `json:"NextToken,omitempty"`
}

// stringFilter checks a StringFilter whose value, when enum is given, must
// be one of its values: a filter on a value that cannot occur is a mistake.
func (v *violations) stringFilter(member string, f *stringFilter, enum []string) string {
	if f == nil || !v.required(member+".Value", f.Value != nil) || !v.length(member+".Value", *f.Value, 1, 500) {
		return ""
	}
	if enum != nil {
		v.enum(member+".Value", *f.Value, enum...)
	}
	return *f.Value
}

func (req listInvestigationsRequest) input() (detective.ListInvestigationsInput, error) {
	var v violations
	in := detective.ListInvestigationsInput{
		Graph:      v.graphARN("GraphArn", req.GraphArn),
		NextToken:  v.nextToken(req.NextToken, 2048),
		MaxResults: v.maxResults(req.MaxResults, 100),
		Sort:       detective.InvestigationSort{Field: "CREATED_TIME", Desc: true},
	}
	if f := req.FilterCriteria; f != nil {
		in.Filter.Severity = v.stringFilter("FilterCriteria.Severity", f.Severity, severityValues)
		in.Filter.Status = v.stringFilter("FilterCriteria.Status", f.Status, statusValues)
		in.Filter.State = v.stringFilter("FilterCriteria.State", f.State, stateValues)
		in.Filter.EntityARN = v.stringFilter("FilterCriteria.EntityArn", f.EntityArn, nil)
		if d := f.CreatedTime; d != nil {
			start := v.required("FilterCriteria.CreatedTime.StartInclusive", d.StartInclusive != nil)
			end := v.required("FilterCriteria.CreatedTime.EndInclusive", d.EndInclusive != nil)
			if start && end {
				in.Filter.CreatedFrom, in.Filter.CreatedTo, in.Filter.HasCreatedRange = d.StartInclusive.Time, d.EndInclusive.Time, true
			}
		}
	}
	if sc := req.SortCriteria; sc != nil {
		if sc.Field != nil && v.enum("SortCriteria.Field", *sc.Field, sortFieldValues...) {
			in.Sort.Field = *sc.Field
		}
		if sc.SortOrder != nil && v.enum("SortCriteria.SortOrder", *sc.SortOrder, sortOrderValues...) {
			in.Sort.Desc = *sc.SortOrder == "DESC"
		}
	}
	return in, v.err()
}

func (s *Server) listInvestigations(w http.ResponseWriter, r *http.Request) error {
	var req listInvestigationsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	out, err := s.svc.ListInvestigations(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	resp := listInvestigationsResponse{InvestigationDetails: make([]investigationDetail, len(out.Investigations)), NextToken: out.NextToken}
	for i, inv := range out.Investigations {
		resp.InvestigationDetails[i] = newInvestigationDetail(inv)
	}
	return writeJSON(w, http.StatusOK, resp)
}
