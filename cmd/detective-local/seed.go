package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
		// Operator lets the key call the operator endpoints when
		// signatures are verified.
		Operator bool `json:"operator"`
	} `json:"credentials"`
}

// seed is a parsed seed file.
type seed struct {
	World       organizations.Seed
	Credentials map[string]auth.Credential
}

// loadSeed reads a seed file; an empty path is an empty world. A mistake
// (a misspelt or repeated key, a value of the wrong type, a repeated
// access key, a credential without a secret) is an error naming the
// file, line and column, so that no typo passes for an absent setting.
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
	if err := json.Unmarshal(b, &f, json.RejectUnknownMembers(true)); err != nil {
		return s, seedError(path, b, err)
	}
	at := func(pointer string, format string, args ...any) error {
		line, col := position(b, valueOffsets(b)[pointer])
		return fmt.Errorf("seed file %s:%d:%d: %s: %s", path, line, col, pointer, fmt.Sprintf(format, args...))
	}
	names := map[detective.AccountID]string{}
	for i, fa := range f.Accounts {
		a, err := fa.Account()
		if err != nil {
			return s, at("/accounts/"+strconv.Itoa(i), "%v", err)
		}
		s.World.Accounts = append(s.World.Accounts, a)
		names[a.ID] = fa.Name
	}
	for _, o := range f.Organizations {
		s.World.Organizations = append(s.World.Organizations, o.Organization(names))
	}
	first := map[string]int{}
	for i, c := range f.Credentials {
		ptr := "/credentials/" + strconv.Itoa(i)
		id := detective.AccountID(c.AccountID)
		switch j, dup := first[c.AccessKeyID]; {
		case c.AccessKeyID == "":
			return s, at(ptr, "accessKeyId is missing")
		case dup:
			return s, at(ptr, "access key %s is declared again (first at credentials[%d])", c.AccessKeyID, j)
		case c.SecretAccessKey == "":
			return s, at(ptr, "secretAccessKey is missing or empty")
		case !id.Valid():
			return s, at(ptr, "accountId %q is not 12 digits", c.AccountID)
		}
		first[c.AccessKeyID] = i
		s.Credentials[c.AccessKeyID] = auth.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			Account: id, Operator: c.Operator}
	}
	return s, nil
}

// seedError places a decoding error in the file.
func seedError(path string, b []byte, err error) error {
	var off int64 = -1
	var se *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &syn):
		off = syn.ByteOffset
	case errors.As(err, &se):
		off = se.ByteOffset
		if o, ok := valueOffsets(b)[string(se.JSONPointer)]; ok && off <= 0 {
			off = o
		}
	}
	if off < 0 {
		return fmt.Errorf("parse seed file %s: %w", path, err)
	}
	line, col := position(b, off)
	return fmt.Errorf("seed file %s:%d:%d: %w", path, line, col, err)
}

// valueOffsets maps the JSON pointer of every value in b to the offset of
// its first byte; it stops at the first syntax error.
func valueOffsets(b []byte) map[string]int64 {
	out := map[string]int64{}
	dec := jsontext.NewDecoder(bytes.NewReader(b))
	for {
		before := dec.InputOffset()
		tok, err := dec.ReadToken()
		if err != nil {
			return out
		}
		if k := tok.Kind(); k == '}' || k == ']' {
			continue
		}
		ptr := string(dec.StackPointer())
		if _, seen := out[ptr]; !seen {
			out[ptr] = before + int64(len(b[before:])-len(bytes.TrimLeft(b[before:], " \t\r\n,:")))
		}
	}
}

// position turns a byte offset of b into a 1-based line and column.
func position(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
