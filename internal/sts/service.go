package sts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Session durations.
//
// AWS: DurationSeconds ranges from 900 to 43200 and defaults to 3600; a
// role assumed by role chaining is limited to one hour (AssumeRole, API
// reference).
const (
	DefaultDuration  = time.Hour
	MinDuration      = 15 * time.Minute
	MaxDuration      = 12 * time.Hour
	MaxChainDuration = time.Hour
)

// expiredSessionRetention is how long an expired session is kept, so that
// its key is answered "expired" rather than "invalid".
const expiredSessionRetention = 24 * time.Hour

// KeySource makes temporary credentials. Tests inject a deterministic
// one; production uses RandomKeys.
type KeySource interface {
	AccessKeyID() string     // "ASIA" and 16 upper-case letters or digits
	SecretAccessKey() string // 40 characters
	SessionToken() string
}

// RandomKeys makes credentials from crypto/rand.
type RandomKeys struct{}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// AccessKeyID returns "ASIA" and 16 base32 characters, as AWS's temporary
// keys look.
func (RandomKeys) AccessKeyID() string {
	return "ASIA" + base32.StdEncoding.EncodeToString(randomBytes(10))
}

// SecretAccessKey returns 40 base64 characters.
func (RandomKeys) SecretAccessKey() string { return base64.StdEncoding.EncodeToString(randomBytes(30)) }

// SessionToken returns a long opaque token, as AWS's are.
func (RandomKeys) SessionToken() string { return base64.StdEncoding.EncodeToString(randomBytes(192)) }

// Service is the STS subset over a Store. It is safe for concurrent use.
type Service struct {
	store world.Store
	clock detective.Clock
	keys  KeySource
}

// NewService returns a Service over store.
func NewService(store world.Store, clock detective.Clock, keys KeySource) *Service {
	return &Service{store: store, clock: clock, keys: keys}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// IsSessionKey reports whether an access key ID is one STS issues.
func IsSessionKey(accessKeyID string) bool { return strings.HasPrefix(accessKeyID, "ASIA") }

// Session returns the session of a temporary access key: how requests
// signed with it are authenticated. ok is false when there is none.
func (s *Service) Session(ctx context.Context, accessKeyID string) (sess world.Session, ok bool, err error) {
	if !IsSessionKey(accessKeyID) {
		return world.Session{}, false, nil
	}
	err = s.store.Read(ctx, func(tx world.Tx) error {
		sess, err = tx.Session(ctx, accessKeyID)
		return err
	})
	if detective.KindOf(err) == detective.KindNotFound {
		return world.Session{}, false, nil
	}
	if err != nil {
		return world.Session{}, false, AsError(err)
	}
	return sess, true, nil
}

// Identity is who a caller is (GetCallerIdentity).
type Identity struct {
	Account detective.AccountID
	ARN     string
	UserID  string
}

// GetCallerIdentity returns the identity behind accessKeyID, the key the
// request was signed with ("" when it was not signed): the assumed role of
// a session, else the root user of the caller's account.
func (s *Service) GetCallerIdentity(ctx context.Context, c detective.Caller, accessKeyID string) (Identity, error) {
	sess, ok, err := s.Session(ctx, accessKeyID)
	if err != nil {
		return Identity{}, err
	}
	if ok && sess.Account == c.Account {
		role, err := parseRoleARN(sess.RoleARN)
		if err != nil {
			return Identity{}, AsError(detective.Internal(err))
		}
		return Identity{Account: sess.Account, ARN: role.assumedRoleARN(sess.SessionName),
			UserID: role.id() + ":" + sess.SessionName}, nil
	}
	// AWS: the root user's ARN is arn:aws:iam::ACCOUNT:root and its user
	// ID the account ID.
	return Identity{Account: c.Account, ARN: "arn:" + arn.PartitionOf(c.Region) + ":iam::" + string(c.Account) + ":root",
		UserID: string(c.Account)}, nil
}

// AssumeRoleInput is AssumeRole's request, already shape-checked by the
// wire layer. Duration 0 means DefaultDuration. ExternalID is accepted
// and not checked: there are no trust policies here.
type AssumeRoleInput struct {
	RoleARN         string
	RoleSessionName string
	Duration        time.Duration
	ExternalID      string
	Policy          string
	SourceIdentity  string
}

// AssumeRoleOutput is AssumeRole's answer.
type AssumeRoleOutput struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	AssumedRoleID   string
	ARN             string
	SourceIdentity  string
}

// AssumeRole issues temporary credentials that act as the role's account
// until they expire. callerKey is the access key the request was signed
// with: a session key makes this role chaining.
func (s *Service) AssumeRole(ctx context.Context, c detective.Caller, callerKey string, in AssumeRoleInput) (AssumeRoleOutput, error) {
	role, err := parseRoleARN(in.RoleARN)
	if err != nil {
		// Our wording: AWS's text for a well-shaped but invalid role ARN
		// was not found.
		return AssumeRoleOutput{}, Validation("%s is invalid", in.RoleARN)
	}
	if in.Policy != "" && !json.Valid([]byte(in.Policy)) {
		return AssumeRoleOutput{}, &Error{Code: CodeMalformedPolicy, Message: "The policy is not in the valid JSON format."}
	}
	if in.Duration == 0 {
		in.Duration = DefaultDuration
	}
	_, chained, err := s.Session(ctx, callerKey)
	if err != nil {
		return AssumeRoleOutput{}, err
	}
	if chained && in.Duration > MaxChainDuration {
		return AssumeRoleOutput{}, Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	now := s.now()
	sess := world.Session{
		AccessKeyID: s.keys.AccessKeyID(), SecretAccessKey: s.keys.SecretAccessKey(), Token: s.keys.SessionToken(),
		Account: role.account, RoleARN: in.RoleARN, SessionName: in.RoleSessionName, Source: callerKey,
		CreatedTime: now, Expiration: now.Add(in.Duration),
	}
	err = s.store.Write(ctx, func(tx world.Tx) error {
		if _, err := tx.DeleteSessionsExpiredBefore(ctx, now.Add(-expiredSessionRetention)); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return AssumeRoleOutput{}, AsError(err)
	}
	return AssumeRoleOutput{
		AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.Token,
		Expiration:     sess.Expiration,
		AssumedRoleID:  role.id() + ":" + in.RoleSessionName,
		ARN:            role.assumedRoleARN(in.RoleSessionName),
		SourceIdentity: in.SourceIdentity,
	}, nil
}

// roleARN is a parsed IAM role ARN.
type roleARN struct {
	arn     string
	part    string
	account detective.AccountID
	name    string // the last segment of the role's path
}

func parseRoleARN(s string) (roleARN, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return roleARN{}, err
	}
	path, ok := strings.CutPrefix(a.Resource, "role/")
	name := path[strings.LastIndexByte(path, '/')+1:]
	if !ok || a.Service != "iam" || a.Region != "" || !detective.AccountID(a.Account).Valid() || name == "" {
		return roleARN{}, arn.ErrMalformed
	}
	return roleARN{arn: s, part: a.Partition, account: detective.AccountID(a.Account), name: name}, nil
}

// assumedRoleARN is the ARN of a session of the role.
func (r roleARN) assumedRoleARN(session string) string {
	return "arn:" + r.part + ":sts::" + string(r.account) + ":assumed-role/" + r.name + "/" + session
}

// id is the role's unique ID: "AROA" and 17 characters, derived from the
// ARN so that every replica, and every restart, gives a role the same one.
func (r roleARN) id() string {
	sum := sha256.Sum256([]byte(r.arn))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
