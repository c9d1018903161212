package world

// AccountID is a 12-digit AWS account ID.
type AccountID string

// Valid reports whether id has the model's AccountId shape: 12 digits.
func (id AccountID) Valid() bool {
	if len(id) != 12 {
		return false
	}
	for _, c := range []byte(id) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Account is what is known about an AWS account outside any one service:
// facts that Detective consults but does not own. An account the store knows
// nothing about is treated as the zero facts with GuardDuty enrolled.
type Account struct {
	ID        AccountID
	RootEmail string // "" when unknown: any e-mail then verifies
	// GuardDutyDisabled is set when the account is not enrolled in
	// GuardDuty, so Detective cannot verify its data volume
	// (ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN).
	GuardDutyDisabled bool
	// Volume is the account's daily data volume in bytes, per Detective
	// datasource package by name (DETECTIVE_CORE, …); absent packages
	// produce nothing.
	Volume map[string]int64
}
