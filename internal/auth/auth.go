// Package auth turns a request's SigV4 signature into the calling account
// and region (a detective.Caller), for every AWS protocol the server
// speaks. It imports detective (for Caller) and sigv4.
package auth

import (
	"errors"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// Credential maps an access key to the account that owns it.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	Account         detective.AccountID
}

// Authenticator turns a request's SigV4 signature into the Caller.
//
// The account is the one a Credential maps the key to, else the access key
// ID itself when that is 12 digits (the convention other AWS emulators
// use), else DefaultAccount. The region is the credential scope's.
// With Verify set, every request must carry a valid signature by a key in
// Credentials.
type Authenticator struct {
	Credentials    map[string]Credential
	Verify         bool
	DefaultAccount detective.AccountID
	DefaultRegion  string
	MaxSkew        time.Duration
	Now            func() time.Time
}

func (a *Authenticator) verifier() *sigv4.Verifier {
	return &sigv4.Verifier{
		Secret: func(key string) (string, bool) {
			c, ok := a.Credentials[key]
			return c.SecretAccessKey, ok
		},
		MaxSkew: a.MaxSkew,
		Now:     a.Now,
	}
}

// Caller authenticates r, whose body has been read into body.
func (a *Authenticator) Caller(r *http.Request, body []byte) (detective.Caller, error) {
	var sig sigv4.Signature
	var err error
	if a.Verify {
		sig, err = a.verifier().Verify(r, body)
	} else {
		sig, err = sigv4.Parse(r)
		if errors.Is(err, sigv4.ErrNoSignature) {
			return detective.Caller{Account: a.DefaultAccount, Region: a.DefaultRegion}, nil
		}
	}
	if err != nil {
		return detective.Caller{}, err
	}
	c := detective.Caller{Account: a.account(sig.AccessKeyID), Region: sig.Region}
	if c.Region == "" {
		c.Region = a.DefaultRegion
	}
	return c, nil
}

func (a *Authenticator) account(key string) detective.AccountID {
	if c, ok := a.Credentials[key]; ok {
		return c.Account
	}
	if id := detective.AccountID(key); id.Valid() {
		return id
	}
	return a.DefaultAccount
}
