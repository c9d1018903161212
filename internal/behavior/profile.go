package behavior

import "time"

// Profile is what a behavior graph knows of one entity over a time range:
// the entity view. Its JSON form is the entity-view endpoint's answer.
type Profile struct {
	Entity    string    `json:"entity"`
	Account   string    `json:"account,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	FirstSeen time.Time `json:"firstSeen,omitzero"`
	LastSeen  time.Time `json:"lastSeen,omitzero"`
}
