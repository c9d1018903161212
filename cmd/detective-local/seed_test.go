package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustWriteSeed(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A seed file with a mistake is refused at start, naming the file, the
// line and column, and the mistake.
func TestSeedRefusesMistakes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"misspelt top-level key", "{\n  \"credentails\": []\n}", ":2:3: "},
		{"misspelt credential key", "{\"credentials\": [\n {\"accessKeyId\": \"AKIA1\", \"secretAccesKey\": \"s\", \"accountId\": \"111111111111\"}]}", ":2:"},
		{"misspelt account key", "{\"accounts\": [{\"id\": \"111111111111\", \"emial\": \"a@example.com\"}]}", ":1:"},
		{"syntax error", "{\n\"accounts\": [\n  {\"id\": 1,}\n]}", ":3:"},
		{"wrong type", "{\"accounts\": [\n{\"id\": 111111111111}]}", ":2:"},
		{"duplicate access key", "{\"credentials\": [\n {\"accessKeyId\": \"AKIA1\", \"secretAccessKey\": \"s\", \"accountId\": \"111111111111\"},\n {\"accessKeyId\": \"AKIA1\", \"secretAccessKey\": \"t\", \"accountId\": \"222222222222\"}]}", ":3:2: "},
		{"empty secret", "{\"credentials\": [\n {\"accessKeyId\": \"AKIA1\", \"secretAccessKey\": \"\", \"accountId\": \"111111111111\"}]}", ":2:2: "},
		{"missing secret", "{\"credentials\": [\n {\"accessKeyId\": \"AKIA1\", \"accountId\": \"111111111111\"}]}", ":2:2: "},
		{"bad account", "{\"accounts\": [\n {\"id\": \"12\"}]}", ":2:2: "},
		{"duplicate member", "{\"accounts\": [], \"accounts\": []}", ":1:"},
		{"trailing data", "{} {}", ":1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustWriteSeed(t, tc.body)
			_, err := loadSeed(p)
			if err == nil || !strings.Contains(err.Error(), p+tc.want) {
				t.Errorf("loadSeed(%q) = %v, want an error at %s%s", tc.body, err, p, tc.want)
			}
		})
	}
}

// The README's seed file and operator credentials load.
func TestSeedLoadsOperatorCredential(t *testing.T) {
	t.Parallel()
	p := mustWriteSeed(t, `{"credentials": [
  {"accessKeyId": "AKIAOPERATOR", "secretAccessKey": "op-secret", "accountId": "111111111111", "operator": true},
  {"accessKeyId": "AKIAADMIN", "secretAccessKey": "admin-secret", "accountId": "111111111111"}]}`)
	s, err := loadSeed(p)
	if err != nil {
		t.Fatalf("loadSeed: %v", err)
	}
	if !s.Credentials["AKIAOPERATOR"].Operator || s.Credentials["AKIAADMIN"].Operator {
		t.Errorf("credentials = %+v, want only AKIAOPERATOR an operator", s.Credentials)
	}
}
