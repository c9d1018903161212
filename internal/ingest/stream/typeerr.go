package stream

import (
	"encoding/json"
	"errors"
)

// isTypeError reports whether err is a value of the wrong JSON type for
// its field: the parser has read past the whole value, so the stream
// goes on.
func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}
