// Package lazyregexp compiles a regular expression on its first use
// rather than at package initialization: compiled at init, the service
// models' patterns cost every start about a millisecond, for requests most
// processes never get. It imports the standard library only.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same *regexp.Regexp every time. expr must compile:
// like regexp.MustCompile, a bad expression panics, at first use.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
