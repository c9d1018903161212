package investigate

import (
	"fmt"
	"slices"

	"github.com/detective-local/detective-local/internal/detective"
)

// rate is the severity one indicator makes its investigation at least.
// AWS says only "likelihood and impact"; this is spec/dataplane.md §4's
// rule, with the cases it leaves open filled in:
//
//	CRITICAL  a flagged IP made a successful call; a related finding is HIGH or CRITICAL
//	HIGH      impossible travel; a successful TTP in a SevereTactics tactic; a related finding group
//	MEDIUM    a location or ASO new for the whole account; any other successful TTP;
//	          a flagged IP with no successful call; a MEDIUM related finding
//	LOW       any other indicator (other novelties, failed-only TTPs, LOW or
//	          INFORMATIONAL related findings)
func rate(r result, s Settings) detective.Severity {
	switch r.indicator.Type {
	case detective.IndicatorFlaggedIPAddress:
		if r.succeeded {
			return detective.SeverityCritical
		}
		return detective.SeverityMedium
	case detective.IndicatorRelatedFinding:
		switch r.findingSeverity {
		case detective.SeverityHigh, detective.SeverityCritical:
			return detective.SeverityCritical
		case detective.SeverityMedium:
			return detective.SeverityMedium
		}
	case detective.IndicatorImpossibleTravel, detective.IndicatorRelatedFindingGroup:
		return detective.SeverityHigh
	case detective.IndicatorTTPObserved:
		switch {
		case r.succeeded && slices.Contains(s.SevereTactics, r.tactic):
			return detective.SeverityHigh
		case r.succeeded:
			return detective.SeverityMedium
		}
	case detective.IndicatorNewGeolocation, detective.IndicatorNewASO:
		if r.newForAccount {
			return detective.SeverityMedium
		}
	}
	return detective.SeverityLow
}

// overallSeverity is the highest severity of the indicators, INFORMATIONAL
// when there are none, and the reason for it.
func overallSeverity(results []result) (detective.Severity, string) {
	sev, reason := detective.SeverityInformational, "no indicators"
	for _, r := range results {
		if rank(r.why.Severity) > rank(sev) {
			sev = r.why.Severity
			reason = fmt.Sprintf("%s indicator: %s", r.indicator.Type, r.why.Rule)
		}
	}
	return sev, reason
}

// rank orders severities; 0 for anything that is not one.
func rank(s detective.Severity) int {
	switch s {
	case detective.SeverityInformational:
		return 1
	case detective.SeverityLow:
		return 2
	case detective.SeverityMedium:
		return 3
	case detective.SeverityHigh:
		return 4
	case detective.SeverityCritical:
		return 5
	}
	return 0
}

func maxSeverity(a, b detective.Severity) detective.Severity {
	if rank(b) > rank(a) {
		return b
	}
	return a
}
