package columncodec

import (
	"encoding/json"
	"fmt"

	"github.com/detective-local/detective-local/internal/behavior"
)

// findingEntities is the stored form of a finding's entity lists.
type findingEntities struct {
	AccessKeyIDs  []string `json:"accessKeyIds,omitempty"`
	PrincipalARNs []string `json:"principalArns,omitempty"`
	UserNames     []string `json:"userNames,omitempty"`
	RemoteIPs     []string `json:"remoteIps,omitempty"`
	InstanceIDs   []string `json:"instanceIds,omitempty"`
	Buckets       []string `json:"buckets,omitempty"`
	Clusters      []string `json:"clusters,omitempty"`
}

// EncodeFindingEntities is the entity lists of f as stored: a JSON object
// of the non-empty lists.
func EncodeFindingEntities(f behavior.Finding) (string, error) {
	b, err := json.Marshal(findingEntities{f.AccessKeyIDs, f.PrincipalARNs, f.UserNames, f.RemoteIPs,
		f.InstanceIDs, f.Buckets, f.Clusters})
	if err != nil {
		return "", fmt.Errorf("finding entities: %w", err)
	}
	return string(b), nil
}

// DecodeFindingEntities sets f's entity lists from EncodeFindingEntities'
// form.
func DecodeFindingEntities(s string, f *behavior.Finding) error {
	var e findingEntities
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		return fmt.Errorf("finding entities: %w", err)
	}
	f.AccessKeyIDs, f.PrincipalARNs, f.UserNames, f.RemoteIPs = e.AccessKeyIDs, e.PrincipalARNs, e.UserNames, e.RemoteIPs
	f.InstanceIDs, f.Buckets, f.Clusters = e.InstanceIDs, e.Buckets, e.Clusters
	return nil
}
