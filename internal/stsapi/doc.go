// Package stsapi serves the AWS STS query protocol (API version
// 2011-06-15) over sts.Service: form-encoded Action=…&Version=… requests
// (in the body or the query string), XML answers in STS's namespace, and
// STS's XML errors. actions.go is the one list of operations, op_<name>.go
// one file per operation. Every request is authenticated with package
// auth.
//
// It imports sts, detective, auth, sigv4, net/http and encoding/xml; never
// database/sql or a store.
package stsapi
