package orgsapi

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/detective-local/detective-local/internal/lazyregexp"
	"github.com/detective-local/detective-local/internal/organizations"
)

// violations collects a request's shape violations, reported together as
// one InvalidInputException whose Reason is the first violation's (the
// model's InvalidInputExceptionReason) and whose message lists them all in
// AWS's validation style.
type violations struct {
	reason string
	msgs   []string
}

func (v *violations) add(reason string, value *string, member, constraint string) {
	if v.reason == "" {
		v.reason = reason
	}
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	v.msgs = append(v.msgs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, member, constraint))
}

// str checks an optional or required string member against the model's
// length and pattern constraints and returns its value.
func (v *violations) str(member string, s *string, required bool, min, max int, pattern *pattern) string {
	if s == nil {
		if required {
			v.add("INPUT_REQUIRED", nil, member, "not be null")
		}
		return ""
	}
	n := utf8.RuneCountInString(*s)
	switch {
	case n < min:
		v.add("MIN_LENGTH_EXCEEDED", s, member, fmt.Sprintf("have length greater than or equal to %d", min))
	case max > 0 && n > max:
		v.add("MAX_LENGTH_EXCEEDED", s, member, fmt.Sprintf("have length less than or equal to %d", max))
	case pattern != nil && !pattern.compiled().MatchString(*s):
		v.add("INVALID_PATTERN", s, member, "satisfy regular expression pattern: "+pattern.text)
	}
	return *s
}

// enum checks an optional enum member.
func (v *violations) enum(member string, s *string, allowed ...string) string {
	if s == nil {
		return ""
	}
	for _, a := range allowed {
		if *s == a {
			return a
		}
	}
	v.add("INVALID_ENUM", s, member, "satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
	return *s
}

// maxResults checks the model's MaxResults (1 to 20) and returns it, 0
// when absent.
func (v *violations) maxResults(n *int32) int {
	if n == nil {
		return 0
	}
	s := fmt.Sprint(*n)
	switch {
	case *n < 1:
		v.add("MIN_VALUE_EXCEEDED", &s, "maxResults", "have value greater than or equal to 1")
	case *n > 20:
		v.add("MAX_VALUE_EXCEEDED", &s, "maxResults", "have value less than or equal to 20")
	}
	return int(*n)
}

// tags checks a Tags member and returns the tags.
func (v *violations) tags(ts []tagWire) []tagWire {
	for i := range ts {
		v.str(fmt.Sprintf("tags.%d.member.key", i+1), &ts[i].Key, true, 1, 128, tagPattern)
		v.str(fmt.Sprintf("tags.%d.member.value", i+1), &ts[i].Value, true, 0, 256, tagPattern)
	}
	return ts
}

func (v *violations) err() error {
	switch len(v.msgs) {
	case 0:
		return nil
	case 1:
		return organizations.InvalidInput(v.reason, "1 validation error detected: %s", v.msgs[0])
	}
	return organizations.InvalidInput(v.reason, "%d validation errors detected: %s", len(v.msgs), strings.Join(v.msgs, "; "))
}

// The model's patterns, anchored where the model's are not.
var (
	accountIDPattern        = newPattern(`^\d{12}$`)
	emailPattern            = newPattern(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	accountNamePattern      = newPattern(`^[\x{0020}-\x{007E}]+$`)
	roleNamePattern         = newPattern(`^[\w+=,.@-]{1,64}$`)
	servicePrincipalPattern = newPattern(`^[\w+=,.@-]*$`)
	handshakeIDPattern      = newPattern(`^h-[0-9a-z]{8,32}$`)
	createAccountIDPattern  = newPattern(`^car-[a-z0-9]{8,32}$`)
	tagPattern              = newPattern(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
	taggableIDPattern       = newPattern(`^((r-[0-9a-z]{4,32})|(\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})|(p-[0-9a-zA-Z_]{8,128})|(rp-[0-9a-zA-Z_]{4,128}))$`)
	childIDPattern          = newPattern(`^((\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}))$`)
	parentIDPattern         = newPattern(`^((r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}))$`)
)

// pattern is a regular expression compiled on its first use: compiled at
// init, these took a millisecond of every start (the Unicode classes of
// tagPattern most of it), for requests most servers never get.
type pattern struct {
	text     string
	compiled func() *regexp.Regexp
}

func newPattern(expr string) *pattern {
	return &pattern{text: expr, compiled: lazyregexp.New(expr)}
}

// accountID checks a required AccountId member.
func (v *violations) accountID(member string, s *string) string {
	return v.str(member, s, true, 0, 12, accountIDPattern)
}

// servicePrincipal checks a ServicePrincipal member.
func (v *violations) servicePrincipal(s *string, required bool) string {
	return v.str("servicePrincipal", s, required, 1, 128, servicePrincipalPattern)
}
