package lazyregexp

import "testing"

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^[0-9]{12}$`)
	if !re().MatchString("123456789012") || re().MatchString("12345") {
		t.Fatal("the pattern does not match as compiled")
	}
	if re() != re() {
		t.Fatal("each call compiled the pattern again")
	}
}

func TestNewPanicsAtFirstUseOnABadPattern(t *testing.T) {
	re := New(`(`) // no panic yet: nothing is compiled until first use
	defer func() {
		if recover() == nil {
			t.Fatal("a bad pattern compiled")
		}
	}()
	re()
}
