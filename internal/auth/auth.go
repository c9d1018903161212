// Package auth turns a request's SigV4 signature into the calling account
// and region (a detective.Caller), for every AWS protocol the server
// speaks. Long-term keys come from a map; temporary keys (STS sessions)
// from a lookup function, so that they resolve through the store on every
// replica. It imports detective (for Caller) and sigv4.
package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// CodeExpiredToken is the error code of a request signed with temporary
// credentials that have expired.
//
// AWS: "ExpiredTokenException" / "The security token included in the
// request is expired" from JSON and rest-json services (STS's own query
// protocol spells it "ExpiredToken"; internal/stsapi translates).
const CodeExpiredToken = "ExpiredTokenException"

// Credential maps an access key to the account that owns it.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	Account         detective.AccountID
	// SessionToken is set for temporary credentials: with verification
	// on, requests signed with them must carry it.
	SessionToken string
	// Expiration is when temporary credentials stop working; zero for
	// long-term keys.
	Expiration time.Time
	// Operator marks a long-term key that may call the operator
	// endpoints when signatures are verified.
	Operator bool
}

// Authenticator turns a request's SigV4 signature into the Caller.
//
// The account is the one a Credential maps the key to (from Credentials,
// else from Sessions), else the access key ID itself when that is 12
// digits (the convention other AWS emulators use), else DefaultAccount.
// The region is the credential scope's. With Verify set, every request
// must carry a valid signature by a known key, and temporary credentials
// their session token. Expired temporary credentials are refused in both
// modes, as AWS refuses them.
type Authenticator struct {
	Credentials map[string]Credential
	// Sessions looks up temporary credentials that are not in
	// Credentials; nil means there are none. ok is false for an unknown
	// key; err is a failure of the lookup itself.
	Sessions       func(ctx context.Context, accessKeyID string) (c Credential, ok bool, err error)
	Verify         bool
	DefaultAccount detective.AccountID
	DefaultRegion  string
	MaxSkew        time.Duration
	Now            func() time.Time
}

// Identity is an authenticated request: its Caller and the access key it
// was signed with ("" when unsigned).
type Identity struct {
	Caller      detective.Caller
	AccessKeyID string
}

// Caller authenticates r, whose body has been read into body.
func (a *Authenticator) Caller(r *http.Request, body []byte) (detective.Caller, error) {
	id, err := a.Authenticate(r, body)
	return id.Caller, err
}

// Authenticate is Caller that also reports the access key. Its errors are
// *sigv4.Error (AWS's authentication errors, CodeExpiredToken among them)
// or a failure of the Sessions lookup, which is internal.
func (a *Authenticator) Authenticate(r *http.Request, body []byte) (Identity, error) {
	sig, err := sigv4.Parse(r)
	if errors.Is(err, sigv4.ErrNoSignature) && !a.Verify {
		return Identity{Caller: detective.Caller{Account: a.DefaultAccount, Region: a.DefaultRegion}}, nil
	}
	var cred Credential
	known := false
	if err == nil {
		if cred, known, err = a.lookup(r.Context(), sig.AccessKeyID); err != nil {
			return Identity{}, err
		}
	}
	if a.Verify {
		// Verify parses again and reports a missing or malformed
		// signature itself, with AWS's codes.
		v := &sigv4.Verifier{
			Secret: func(key string) (string, bool) {
				return cred.SecretAccessKey, known && key == cred.AccessKeyID
			},
			MaxSkew: a.MaxSkew,
			Now:     a.Now,
		}
		if sig, err = v.Verify(r, body); err != nil {
			return Identity{}, err
		}
		if cred.SessionToken != "" && subtle.ConstantTimeCompare([]byte(sig.SecurityToken), []byte(cred.SessionToken)) != 1 {
			// AWS: a temporary key with a missing or wrong token is an
			// invalid token, like an unknown key.
			return Identity{}, &sigv4.Error{Code: sigv4.CodeUnrecognizedClient, Status: http.StatusForbidden,
				Message: "The security token included in the request is invalid."}
		}
	} else if err != nil {
		return Identity{}, err
	}
	if known && !cred.Expiration.IsZero() && !a.now().Before(cred.Expiration) {
		return Identity{}, &sigv4.Error{Code: CodeExpiredToken, Status: http.StatusForbidden,
			Message: "The security token included in the request is expired"}
	}
	c := detective.Caller{Account: a.account(sig.AccessKeyID, cred, known), Region: sig.Region}
	if c.Region == "" {
		c.Region = a.DefaultRegion
	}
	return Identity{Caller: c, AccessKeyID: sig.AccessKeyID}, nil
}

// lookup finds the credential of key: a long-term one, else a session.
func (a *Authenticator) lookup(ctx context.Context, key string) (Credential, bool, error) {
	if c, ok := a.Credentials[key]; ok {
		return c, true, nil
	}
	if a.Sessions == nil {
		return Credential{}, false, nil
	}
	c, ok, err := a.Sessions(ctx, key)
	if err != nil {
		return Credential{}, false, fmt.Errorf("auth: look up session %s: %w", key, err)
	}
	return c, ok, nil
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Authenticator) account(key string, c Credential, known bool) detective.AccountID {
	if known {
		return c.Account
	}
	if id := detective.AccountID(key); id.Valid() {
		return id
	}
	return a.DefaultAccount
}

// IsOperator reports whether accessKeyID is a long-term key marked
// Operator. Temporary credentials never are: they act as an account.
func (a *Authenticator) IsOperator(accessKeyID string) bool {
	c, ok := a.Credentials[accessKeyID]
	return ok && c.Operator
}
