package world

import "time"

// Session is a set of temporary credentials issued by STS AssumeRole.
// Requests signed with AccessKeyID act as Account until Expiration.
type Session struct {
	AccessKeyID     string // "ASIA" and 16 upper-case letters or digits
	SecretAccessKey string
	Token           string
	Account         AccountID // the role's account
	RoleARN         string
	SessionName     string
	// Source is the access key that assumed the role; a session whose
	// Source is itself a session was made by role chaining.
	Source      string
	CreatedTime time.Time
	Expiration  time.Time
}
