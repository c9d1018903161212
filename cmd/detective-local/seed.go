package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/operator"
	"github.com/detective-local/detective-local/internal/organizations"
)

// seedFile is the world declared at start: facts about accounts,
// organizations, and access keys that map to accounts (with the secrets
// used when signatures are verified). Accounts and organizations are
// spelt as the operator endpoints spell them, so what GET
// /_detective/accounts answers can be pasted into a seed file.
type seedFile struct {
	Accounts      []operator.AccountFacts     `json:"accounts"`
	Organizations []operator.OrganizationDecl `json:"organizations"`
	Credentials   []struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		AccountID       string `json:"accountId"`
	} `json:"credentials"`
}

// seed is a parsed seed file.
type seed struct {
	World       organizations.Seed
	Credentials map[string]auth.Credential
}

// loadSeed reads a seed file; an empty path is an empty world.
func loadSeed(path string) (seed, error) {
	s := seed{Credentials: map[string]auth.Credential{}}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read seed file: %w", err)
	}
	var f seedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return s, fmt.Errorf("parse seed file %s: %w", path, err)
	}
	names := map[detective.AccountID]string{}
	for i, fa := range f.Accounts {
		a, err := fa.Account()
		if err != nil {
			return s, fmt.Errorf("seed file %s: accounts[%d]: %w", path, i, err)
		}
		s.World.Accounts = append(s.World.Accounts, a)
		names[a.ID] = fa.Name
	}
	for _, o := range f.Organizations {
		s.World.Organizations = append(s.World.Organizations, o.Organization(names))
	}
	for i, c := range f.Credentials {
		id := detective.AccountID(c.AccountID)
		if c.AccessKeyID == "" || !id.Valid() {
			return s, fmt.Errorf("seed file %s: credentials[%d]: needs accessKeyId and a 12-digit accountId", path, i)
		}
		s.Credentials[c.AccessKeyID] = auth.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Account: id}
	}
	return s, nil
}
