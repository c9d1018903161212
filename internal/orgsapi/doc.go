// Package orgsapi serves the AWS Organizations JSON 1.1 protocol (API
// version 2016-11-28) over organizations.Service: POST / with
// X-Amz-Target: AWSOrganizationsV20161128.<Operation>, JSON bodies with
// epoch-second timestamps, and errors as {"__type", "Message"} with the
// model's status (400; 500 for ServiceException). routes.go is the one
// list of operations, op_<name>.go one file per operation with its wire
// structs and shape checks. Every request is authenticated with package
// auth.
//
// It imports organizations, detective, auth, sigv4, net/http and
// encoding/json; never database/sql or a store.
package orgsapi
