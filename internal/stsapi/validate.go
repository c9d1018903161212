package stsapi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/detective-local/detective-local/internal/lazyregexp"
	"github.com/detective-local/detective-local/internal/sts"
)

// violations collects the shape violations of one request, reported
// together as AWS does: "2 validation errors detected: Value 'x' at
// 'roleSessionName' failed to satisfy constraint: …; …".
type violations []string

func (v *violations) add(value *string, member, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, member, constraint))
}

// str checks a string parameter against the model's length and pattern
// constraints; a missing required one is "not null".
func (v *violations) str(params map[string][]string, name string, required bool, min, max int, pattern func() *regexp.Regexp) (string, bool) {
	member := strings.ToLower(name[:1]) + name[1:]
	vs, ok := params[name]
	if !ok {
		if required {
			v.add(nil, member, "not be null")
		}
		return "", false
	}
	s := vs[0]
	n := utf8.RuneCountInString(s)
	switch {
	case n < min:
		v.add(&s, member, fmt.Sprintf("have length greater than or equal to %d", min))
	case max > 0 && n > max:
		v.add(&s, member, fmt.Sprintf("have length less than or equal to %d", max))
	case pattern != nil && !pattern().MatchString(s):
		v.add(&s, member, "satisfy regular expression pattern: "+strings.TrimSuffix(strings.TrimPrefix(pattern().String(), "^(?:"), ")$"))
	}
	return s, true
}

// integer checks an integer parameter against the model's range.
func (v *violations) integer(params map[string][]string, name string, min, max int) (int, bool) {
	member := strings.ToLower(name[:1]) + name[1:]
	vs, ok := params[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(vs[0])
	switch {
	case err != nil:
		v.add(&vs[0], member, "be an integer")
	case n < min:
		v.add(&vs[0], member, fmt.Sprintf("have value greater than or equal to %d", min))
	case n > max:
		v.add(&vs[0], member, fmt.Sprintf("have value less than or equal to %d", max))
	}
	return n, true
}

func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return sts.Validation("1 validation error detected: %s", v[0])
	}
	return sts.Validation("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// pattern anchors one of the model's patterns. It is compiled on first
// use, not at start: a process that never serves AssumeRole never needs it.
func pattern(p string) func() *regexp.Regexp {
	return lazyregexp.New(`^(?:` + p + `)$`)
}
