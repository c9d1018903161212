package awsapi

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/lazyregexp"
)

// Shape checks collect every violation of the service model's constraints
// before answering, in the style of AWS's own validation messages:
// "2 validation errors detected: Value null at 'GraphArn' failed to satisfy
// constraint: Member must not be null; ...".
type violations struct {
	list        []string
	badGraphARN bool
}

func (v *violations) add(value, member, constraint string) {
	v.list = append(v.list, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, member, constraint))
}

// err returns the collected violations as one ValidationException, with
// ErrorCode INVALID_GRAPH_ARN when a graph ARN is among them.
func (v *violations) err() error {
	if len(v.list) == 0 {
		return nil
	}
	noun := "error"
	if len(v.list) > 1 {
		noun = "errors"
	}
	msg := fmt.Sprintf("%d validation %s detected: %s", len(v.list), noun, strings.Join(v.list, "; "))
	e := detective.Invalid("%s", msg)
	if v.badGraphARN {
		e = detective.InvalidGraphARN("%s", msg)
	}
	e.Message = msg
	return e
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "'" + s + "'"
}

// required records a missing required member.
func (v *violations) required(member string, present bool) bool {
	if !present {
		v.add("null", member, "Member must not be null")
	}
	return present
}

// length checks a string's length in characters against [min, max]; max < 0
// means unbounded.
func (v *violations) length(member, s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case n < min:
		v.add(quote(s), member, fmt.Sprintf("Member must have length greater than or equal to %d", min))
		return false
	case max >= 0 && n > max:
		v.add(quote(s), member, fmt.Sprintf("Member must have length less than or equal to %d", max))
		return false
	}
	return true
}

// count checks a list or map size against [min, max].
func (v *violations) count(member string, n, min, max int) bool {
	switch {
	case n < min:
		v.add(fmt.Sprintf("of size %d", n), member, fmt.Sprintf("Member must have length greater than or equal to %d", min))
		return false
	case n > max:
		v.add(fmt.Sprintf("of size %d", n), member, fmt.Sprintf("Member must have length less than or equal to %d", max))
		return false
	}
	return true
}

func (v *violations) pattern(member, s string, pattern func() *regexp.Regexp) bool {
	re := pattern()
	if !re.MatchString(s) {
		v.add(quote(s), member, "Member must satisfy regular expression pattern: "+re.String())
		return false
	}
	return true
}

// graphARN checks a required GraphArn member and returns it parsed.
func (v *violations) graphARN(member string, s *string) arn.ARN {
	if !v.required(member, s != nil) {
		v.badGraphARN = true
		return arn.ARN{}
	}
	a, err := arn.ParseGraph(*s)
	if err != nil {
		v.badGraphARN = true
		v.add(quote(*s), member, "Member must satisfy regular expression pattern: ^arn:aws[-\\w]{0,10}?:detective:[-\\w]{2,20}?:\\d{12}?:graph:[abcdef\\d]{32}?$")
	}
	return a
}

var (
	accountIDPattern = lazyregexp.New(`^[0-9]+$`)
	// emailPattern is the model's EmailAddress pattern without its
	// look-ahead, which RE2 lacks: a label may not start with '-'.
	emailPattern = lazyregexp.New(`^.+@(?:(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z0-9]\.)+[A-Za-z]{2,63}$`)
	// tagKeyPattern is the model's TagKey pattern; its "(?!aws:)" look-ahead
	// is checked separately. "+-=" is a range, as in the model.
	tagKeyPattern = lazyregexp.New(`^[a-zA-Z+-=._:/]+$`)
)

func (v *violations) accountID(member, s string) detective.AccountID {
	if v.length(member, s, 12, 12) {
		v.pattern(member, s, accountIDPattern)
	}
	return detective.AccountID(s)
}

// isAccountID reports whether s is twelve ASCII digits, which is what
// accountID accepts.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (v *violations) accountIDs(member string, ids []string) []detective.AccountID {
	if !v.required(member, ids != nil) {
		return nil
	}
	v.count(member, len(ids), 1, 50)
	out := make([]detective.AccountID, len(ids))
	for i, id := range ids {
		if isAccountID(id) {
			// Valid, so the element's member name, which only a
			// violation shows, is not built.
			out[i] = detective.AccountID(id)
			continue
		}
		out[i] = v.accountID(fmt.Sprintf("%s.%d.member", member, i+1), id)
	}
	return out
}

func (v *violations) email(member, s string) {
	if v.length(member, s, 1, 64) {
		v.pattern(member, s, emailPattern)
	}
}

// maxResults checks an optional page size against [1, max].
func (v *violations) maxResults(p *int, max int) int {
	if p == nil {
		return 0
	}
	if *p < 1 || *p > max {
		v.add(fmt.Sprint(*p), "MaxResults", fmt.Sprintf("Member must have value between 1 and %d", max))
		return 0
	}
	return *p
}

// nextToken checks an optional PaginationToken.
func (v *violations) nextToken(p *string, max int) string {
	if p == nil {
		return ""
	}
	v.length("NextToken", *p, 1, max)
	return *p
}

func (v *violations) tagKey(member, k string) {
	if !v.length(member, k, 1, 128) {
		return
	}
	if v.pattern(member, k, tagKeyPattern) && strings.HasPrefix(k, "aws:") {
		v.add(quote(k), member, "Member must not begin with 'aws:'")
	}
}

// tags checks a TagMap (1..50 entries).
func (v *violations) tags(member string, tags map[string]string) {
	v.count(member, len(tags), 1, 50)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v.tagKey(member+".key", k)
		v.length(member+"."+k, tags[k], 0, 256)
	}
}

// enum checks that s is one of the model's enum values.
func (v *violations) enum(member, s string, values ...string) bool {
	if !slices.Contains(values, s) {
		v.add(quote(s), member, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
		return false
	}
	return true
}

var investigationIDPattern = lazyregexp.New(`^[0-9]+$`)

// investigationID checks a required InvestigationId: 21 digits.
func (v *violations) investigationID(p *string) string {
	if !v.required("InvestigationId", p != nil) {
		return ""
	}
	if v.length("InvestigationId", *p, 21, 21) {
		v.pattern("InvestigationId", *p, investigationIDPattern)
	}
	return *p
}

var entityARNPattern = lazyregexp.New(`^arn:.*`)
