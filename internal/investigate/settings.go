package investigate

import "time"

// Settings holds every threshold of the indicator rules. DefaultSettings
// returns the values spec/dataplane.md §4 recommends.
type Settings struct {
	// Baseline is how far before scope start the principal's normal
	// behaviour is read from (45 days, as Detective's profiles).
	Baseline time.Duration
	// Training is how much data older than scope start the account must
	// have before anything counts as new (14 days); 0 turns the rule off.
	Training time.Duration

	// TravelMinDistanceKm and TravelMinSpeedKmh make two consecutive uses
	// impossible travel: at least this far apart, at more than this speed.
	TravelMinDistanceKm float64
	TravelMinSpeedKmh   float64

	// ThreatMinScore is the least score (number of lists) an IP must have
	// on a threat list to be flagged.
	ThreatMinScore int

	// GroupWindow is how close in time two findings sharing an entity must
	// be to fall in one finding group; GroupMinFindings is how many
	// findings make a group (a lone finding is a RELATED_FINDING, not a
	// group).
	GroupWindow      time.Duration
	GroupMinFindings int

	// SevereTactics are the ATT&CK tactics whose successful calls make an
	// investigation HIGH.
	SevereTactics []string
}

// DefaultSettings returns the recommended thresholds.
func DefaultSettings() Settings {
	return Settings{
		Baseline:            45 * 24 * time.Hour,
		Training:            14 * 24 * time.Hour,
		TravelMinDistanceKm: 500,
		TravelMinSpeedKmh:   900,
		ThreatMinScore:      1,
		GroupWindow:         48 * time.Hour,
		GroupMinFindings:    2,
		SevereTactics: []string{
			"Credential Access", "Privilege Escalation", "Persistence",
			"Defense Evasion", "Exfiltration", "Impact",
		},
	}
}
