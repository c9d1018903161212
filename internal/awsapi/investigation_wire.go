package awsapi

import "github.com/detective-local/detective-local/internal/detective"

var (
	severityValues      = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	statusValues        = []string{"RUNNING", "FAILED", "SUCCESSFUL"}
	stateValues         = []string{"ACTIVE", "ARCHIVED"}
	sortFieldValues     = []string{"SEVERITY", "STATUS", "CREATED_TIME"}
	sortOrderValues     = []string{"ASC", "DESC"}
	indicatorTypeValues = []string{"TTP_OBSERVED", "IMPOSSIBLE_TRAVEL", "FLAGGED_IP_ADDRESS", "NEW_GEOLOCATION",
		"NEW_ASO", "NEW_USER_AGENT", "RELATED_FINDING", "RELATED_FINDING_GROUP"}
)

// investigationRequest is the shape {GraphArn, InvestigationId} shared by
// GetInvestigation and the other per-investigation operations.
type investigationRequest struct {
	GraphArn        *string `json:"GraphArn"`
	InvestigationId *string `json:"InvestigationId"`
}

// investigationDetail is the model's InvestigationDetail.
type investigationDetail struct {
	InvestigationId string  `json:"InvestigationId"`
	Severity        string  `json:"Severity,omitempty"`
	Status          string  `json:"Status"`
	State           string  `json:"State"`
	CreatedTime     *string `json:"CreatedTime,omitempty"`
	EntityArn       string  `json:"EntityArn"`
	EntityType      string  `json:"EntityType"`
}

func newInvestigationDetail(inv detective.Investigation) investigationDetail {
	return investigationDetail{
		InvestigationId: inv.ID, Severity: string(inv.Severity), Status: string(inv.Status), State: string(inv.State),
		CreatedTime: isoTime(inv.CreatedTime), EntityArn: inv.EntityARN, EntityType: string(inv.EntityType),
	}
}

// indicatorDetailMember names the IndicatorDetail member that carries each
// indicator type's fields.
var indicatorDetailMember = map[detective.IndicatorType]string{
	detective.IndicatorTTPObserved:         "TTPsObservedDetail",
	detective.IndicatorImpossibleTravel:    "ImpossibleTravelDetail",
	detective.IndicatorFlaggedIPAddress:    "FlaggedIpAddressDetail",
	detective.IndicatorNewGeolocation:      "NewGeolocationDetail",
	detective.IndicatorNewASO:              "NewAsoDetail",
	detective.IndicatorNewUserAgent:        "NewUserAgentDetail",
	detective.IndicatorRelatedFinding:      "RelatedFindingDetail",
	detective.IndicatorRelatedFindingGroup: "RelatedFindingGroupDetail",
}

// indicator is the model's Indicator: the detail member matching the type
// is the only one set.
type indicator struct {
	IndicatorType   string                    `json:"IndicatorType"`
	IndicatorDetail map[string]map[string]any `json:"IndicatorDetail"`
}

func newIndicators(inds []detective.Indicator) []indicator {
	out := make([]indicator, len(inds))
	for i, ind := range inds {
		out[i] = indicator{IndicatorType: string(ind.Type), IndicatorDetail: map[string]map[string]any{indicatorDetailMember[ind.Type]: ind.Detail}}
	}
	return out
}
