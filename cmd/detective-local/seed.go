package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
)

// seedFile is the world declared at start: facts about accounts, and access
// keys that map to accounts (with the secrets used when signatures are
// verified).
type seedFile struct {
	Accounts []struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"accounts"`
	Credentials []struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		AccountID       string `json:"accountId"`
	} `json:"credentials"`
}

// seed is a parsed seed file.
type seed struct {
	Accounts    []detective.Account
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
	for i, a := range f.Accounts {
		id := detective.AccountID(a.ID)
		if !id.Valid() {
			return s, fmt.Errorf("seed file %s: accounts[%d]: id %q is not 12 digits", path, i, a.ID)
		}
		s.Accounts = append(s.Accounts, detective.Account{ID: id, RootEmail: a.Email})
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
