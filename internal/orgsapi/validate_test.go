package orgsapi

import (
	"regexp"
	"testing"
)

// TestPatternsCompile compiles every pattern, as its first use does: they
// are compiled lazily, so a bad one would otherwise surface only on the
// first request that checks it.
func TestPatternsCompile(t *testing.T) {
	t.Parallel()
	for _, p := range []*pattern{accountIDPattern, emailPattern, accountNamePattern, roleNamePattern, servicePrincipalPattern,
		handshakeIDPattern, createAccountIDPattern, tagPattern, taggableIDPattern, childIDPattern, parentIDPattern} {
		if _, err := regexp.Compile(p.text); err != nil {
			t.Errorf("pattern %q: %v", p.text, err)
		}
		if p.compiled().String() != p.text {
			t.Errorf("pattern %q compiled as %q", p.text, p.compiled().String())
		}
	}
}
