package behavior

import (
	"net/netip"
	"strings"

	"github.com/detective-local/detective-local/internal/detective"
)

// EntityType is the kind of a behavior-graph entity.
type EntityType string

// The entity types the behavior graph keeps aggregates for.
const (
	EntityUser          EntityType = "AwsUser"
	EntityRole          EntityType = "AwsRole"
	EntityRoleSession   EntityType = "AwsRoleSession"
	EntityFederatedUser EntityType = "FederatedUser"
	EntityAccount       EntityType = "AwsAccount"
	EntityInstance      EntityType = "Ec2Instance"
	EntityK8sSubject    EntityType = "KubernetesSubject"
)

// Relation names a link between two entities.
type Relation string

// The relations kept between entities.
const (
	// RelationSessionOf links a role session to its role.
	RelationSessionOf Relation = "session-of"
	// RelationIssuedBy links a federated user to the IAM user that issued it.
	RelationIssuedBy Relation = "issued-by"
)

// Principal is an entity an API call is counted under.
type Principal struct {
	Entity string // the entity's key: its ARN
	Type   EntityType
}

// Principals returns the entities an API call of account is counted
// under: the caller itself, and for a role session its role and for a
// federated user its issuing user, so that the profile of a role or a
// user is one range read covering the sessions it issued. Calls by AWS
// services and by other accounts' principals count under none.
func Principals(a *APICall, account detective.AccountID) []Principal {
	switch a.PrincipalType {
	case PrincipalIAMUser, PrincipalIdentityCenter:
		if a.PrincipalARN != "" {
			return []Principal{{a.PrincipalARN, EntityUser}}
		}
	case PrincipalAssumedRole:
		ps := make([]Principal, 0, 2)
		if a.PrincipalARN != "" {
			ps = append(ps, Principal{a.PrincipalARN, EntityRoleSession})
		}
		if a.IssuerARN != "" {
			ps = append(ps, Principal{a.IssuerARN, EntityRole})
		}
		return ps
	case PrincipalFederatedUser:
		ps := make([]Principal, 0, 2)
		if a.PrincipalARN != "" {
			ps = append(ps, Principal{a.PrincipalARN, EntityFederatedUser})
		}
		if a.IssuerARN != "" {
			ps = append(ps, Principal{a.IssuerARN, EntityUser})
		}
		return ps
	case PrincipalRoot:
		return []Principal{{AccountEntity(account), EntityAccount}}
	}
	return nil
}

// AccountEntity is the entity key of an account: its root ARN.
func AccountEntity(account detective.AccountID) string {
	return "arn:aws:iam::" + string(account) + ":root"
}

// PublicIP returns the address of a call's source when it is one to
// enrich: a literal, globally routable, non-private address. AWS services
// call from DNS names (or, with invokedBy, on a user's behalf from their
// own addresses), and neither is geolocated.
func PublicIP(a *APICall) (netip.Addr, bool) {
	if a.PrincipalType == PrincipalAWSService || a.InvokedBy != "" || strings.HasSuffix(a.SourceIP, ".amazonaws.com") {
		return netip.Addr{}, false
	}
	return publicAddr(a.SourceIP)
}

func publicAddr(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || sharedSpace(ip) {
		return netip.Addr{}, false
	}
	return ip, true
}

// Location is where an IP address is, as a geolocation database says.
type Location struct {
	City, Region, Country, CountryCode string
	Latitude, Longitude                float64
}

// ASO is the autonomous system an IP address belongs to.
type ASO struct {
	Number       uint32
	Organization string
}

// IPInfo is the enrichment of one IP address, stored once per address.
type IPInfo struct {
	IP       string
	Location *Location // nil when no database locates it
	ASO      *ASO      // nil likewise
}

// sharedSpace reports whether ip is carrier-grade NAT space (RFC 6598,
// 100.64.0.0/10): private in all but name.
func sharedSpace(ip netip.Addr) bool {
	b := ip.As16()
	return ip.Is4() && b[12] == 100 && b[13]&0xc0 == 64
}
