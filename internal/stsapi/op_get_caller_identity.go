package stsapi

import (
	"encoding/xml"
	"net/http"

	"github.com/detective-local/detective-local/internal/frame"
)

type getCallerIdentityResponse struct {
	XMLName  xml.Name                `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Result   getCallerIdentityResult `xml:"GetCallerIdentityResult"`
	Metadata responseMetadata        `xml:"ResponseMetadata"`
}

type getCallerIdentityResult struct {
	ARN     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

func (s *Server) getCallerIdentity(w http.ResponseWriter, r *request) error {
	out, err := s.svc.GetCallerIdentity(r.Context(), r.id.Caller, r.id.AccessKeyID)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, getCallerIdentityResponse{
		Result:   getCallerIdentityResult{ARN: out.ARN, UserID: out.UserID, Account: string(out.Account)},
		Metadata: responseMetadata{RequestID: w.Header().Get(frame.RequestIDHeader)},
	})
	return nil
}
