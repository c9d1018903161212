// Package awsapi serves the Amazon Detective rest-json wire protocol (API
// version 2018-10-26) over detective.Service: one route table (routes.go),
// one op_<name>.go file per operation with its wire structs and shape
// checks, the error encoding (errors.go), the JSON codec (codec.go) and the
// one middleware stack (server.go), which authenticates every request into a
// detective.Caller with package auth.
//
// It imports detective, arn, auth, sigv4, net/http and encoding/json; never
// database/sql or a store.
package awsapi
