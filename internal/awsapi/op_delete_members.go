package awsapi

import (
	"net/http"

	"github.com/detective-local/detective-local/internal/detective"
)

// graphAccountsRequest is the input of DeleteMembers and GetMembers, which
// share the shape {GraphArn, AccountIds}.
type graphAccountsRequest struct {
	GraphArn   *string  `json:"GraphArn"`
	AccountIds []string `json:"AccountIds"`
}

// decodeGraphAccounts decodes r's body. The body of nearly every such
// call is one object of exactly these two members, plain strings: that is
// read directly (decodePlain); any other body goes through decodeBody.
func decodeGraphAccounts(r *http.Request) (graphAccountsRequest, error) {
	var req graphAccountsRequest
	if oc := opFrom(r); oc != nil && req.decodePlain(oc.body) {
		return req, nil
	}
	var slow graphAccountsRequest // on the heap only when used
	err := decodeBody(r, &slow)
	return slow, err
}

// decodePlain decodes body into req when body is an object whose members
// are only GraphArn, a string, and AccountIds, an array of at most 50
// strings, each member at most once and every string plain printable
// ASCII without escapes: what decodeBody reads from such a body, with one
// string for all the values. It reports false for any other body, which
// it leaves to decodeBody.
func (req *graphAccountsRequest) decodePlain(body []byte) bool {
	sc := plainScanner{b: body}
	var graph [2]int
	var ids [50][2]int
	hasGraph, hasIDs, n := false, false, 0
	if !sc.next('{') {
		return false
	}
	for !sc.next('}') {
		if (hasGraph || hasIDs) && !sc.next(',') {
			return false
		}
		start, end, ok := sc.str()
		if !ok || !sc.next(':') {
			return false
		}
		switch string(body[start:end]) {
		case "GraphArn":
			if hasGraph {
				return false
			}
			hasGraph = true
			if graph[0], graph[1], ok = sc.str(); !ok {
				return false
			}
		case "AccountIds":
			if hasIDs || !sc.next('[') {
				return false
			}
			hasIDs = true
			for !sc.next(']') {
				if n > 0 && !sc.next(',') || n == len(ids) {
					return false
				}
				if ids[n][0], ids[n][1], ok = sc.str(); !ok {
					return false
				}
				n++
			}
		default:
			return false
		}
	}
	if !sc.end() {
		return false
	}
	text := string(body)
	*req = graphAccountsRequest{}
	if hasGraph {
		s := text[graph[0]:graph[1]]
		req.GraphArn = &s
	}
	if hasIDs {
		req.AccountIds = make([]string, n)
		for i := range n {
			req.AccountIds[i] = text[ids[i][0]:ids[i][1]]
		}
	}
	return true
}

func (req graphAccountsRequest) check() (detective.DeleteMembersInput, error) {
	var v violations
	g := v.graphARN("GraphArn", req.GraphArn)
	ids := v.accountIDs("AccountIds", req.AccountIds)
	return detective.DeleteMembersInput{Graph: g, Accounts: ids}, v.err()
}

type deleteMembersResponse struct {
	AccountIds          []detective.AccountID `json:"AccountIds"`
	UnprocessedAccounts []unprocessedAccount  `json:"UnprocessedAccounts"`
}

func (s *Server) deleteMembers(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeGraphAccounts(r)
	if err != nil {
		return err
	}
	in, err := req.check()
	if err != nil {
		return err
	}
	out, err := s.svc.DeleteMembers(r.Context(), callerFrom(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, deleteMembersResponse{
		AccountIds:          out.Deleted,
		UnprocessedAccounts: newUnprocessedAccounts(out.Unprocessed),
	})
}
