package investigate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// involves reports whether a finding involves the entity: it names the
// entity, one of its sessions or federated users, or (as GuardDuty's
// AccessKeyDetails.UserName does for users and roles alike) its name.
func (e entity) involves(f Finding) bool {
	for _, k := range entityKeys(f) {
		if e.keys[k] {
			return true
		}
	}
	return false
}

// overlaps reports whether [start, end] overlaps [from, to].
func overlaps(start, end, from, to time.Time) bool {
	return !end.Before(from) && !start.After(to)
}

// relatedFindings returns the findings that involve the entity and whose
// activity overlaps scope, earliest first.
func relatedFindings(in *input) []Finding {
	var out []Finding
	for _, g := range in.groups {
		for _, f := range g.Findings {
			start, end := f.window()
			if in.entity.involves(f) && overlaps(start, end, in.scopeStart, in.scopeEnd) {
				out = append(out, f)
			}
		}
	}
	slices.SortFunc(out, compareFindings)
	return out
}

// detectRelatedFindings reports each related finding: its ARN, type and
// the remote IP of its action (the first, when it has several).
func detectRelatedFindings(in *input) []result {
	out := make([]result, 0, len(in.related))
	for _, f := range in.related {
		detail := map[string]any{"Arn": f.ARN, "Type": f.Type}
		if len(f.RemoteIPs) > 0 {
			detail["IpAddress"] = f.RemoteIPs[0]
		}
		sev := findingSeverity(f)
		start, end := f.window()
		out = append(out, result{
			indicator:       detective.Indicator{Type: detective.IndicatorRelatedFinding, Detail: detail},
			findingSeverity: sev,
			why: Why{
				Rule: fmt.Sprintf("%s finding %s (%s) involves %s, active %s to %s",
					sev, f.ID, f.Type, in.entity.arn, start.Format(time.RFC3339), end.Format(time.RFC3339)),
				Findings: []string{f.ID},
			},
		})
	}
	return out
}

// detectRelatedGroups reports each finding group of at least
// GroupMinFindings findings that has a finding involving the entity and
// whose activity overlaps scope.
func detectRelatedGroups(in *input, s Settings) []result {
	var out []result
	for _, g := range in.groups {
		if len(g.Findings) < s.GroupMinFindings || !overlaps(g.Start, g.End, in.scopeStart, in.scopeEnd) {
			continue
		}
		var involving []string
		ids := make([]string, len(g.Findings))
		for i, f := range g.Findings {
			ids[i] = f.ID
			if in.entity.involves(f) {
				involving = append(involving, f.ID)
			}
		}
		if len(involving) == 0 {
			continue
		}
		out = append(out, result{
			indicator: detective.Indicator{Type: detective.IndicatorRelatedFindingGroup, Detail: map[string]any{"Id": g.ID}},
			why: Why{
				Rule: fmt.Sprintf("%s group of %d findings sharing entities within %s, %s involving %s",
					g.Severity, len(g.Findings), s.GroupWindow, strings.Join(involving, ", "), in.entity.arn),
				Findings: ids,
				GroupID:  g.ID,
			},
		})
	}
	return out
}

// findingSeverity is a finding's label, or the label of its score on its
// source's scale: GuardDuty 1–3.9 LOW, 4–6.9 MEDIUM, 7–8.9 HIGH, 9–10
// CRITICAL; ASFF 0 INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH,
// 90–100 CRITICAL.
func findingSeverity(f Finding) detective.Severity {
	if s := detective.Severity(strings.ToUpper(f.Severity)); rank(s) > 0 {
		return s
	}
	score := f.Score
	if f.Source == "guardduty" {
		score *= 10 // onto the ASFF scale
	}
	switch {
	case score >= 90:
		return detective.SeverityCritical
	case score >= 70:
		return detective.SeverityHigh
	case score >= 40:
		return detective.SeverityMedium
	case score >= 1:
		return detective.SeverityLow
	}
	return detective.SeverityInformational
}
