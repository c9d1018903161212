package stsapi

import "net/http"

// action is one STS operation: its Action name and handler.
type action struct {
	name   string
	handle func(*Server, http.ResponseWriter, *request) error
}

// actions is every STS operation served, sorted by name. It is the only
// list: dispatch derives from it.
var actions = []action{
	{"AssumeRole", (*Server).assumeRole},
	{"GetCallerIdentity", (*Server).getCallerIdentity},
}
