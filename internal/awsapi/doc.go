// Package awsapi serves the Amazon Detective rest-json wire protocol (API
// version 2018-10-26) over detective.Service: one route table (routes.go),
// one op_<name>.go file per operation with its wire structs and shape
// checks, the error encoding (errors.go), the JSON codec (codec.go) and the
// SigV4 authentication that turns a request into a detective.Caller
// (auth.go).
//
// It imports detective, arn, sigv4, net/http and encoding/json; never
// database/sql or a store.
package awsapi
