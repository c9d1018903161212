// Package synth writes synthetic but realistic CloudTrail logs: many
// principals (IAM users, roles with their sessions, root, AWS services),
// source addresses, user agents and a share of failed calls, each event
// the same every time for the same index, so that a benchmark or a test
// can make a file of any size, and make it again.
//
// Imports: stdlib only.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
)

// CloudTrail describes the events to write. Zero fields take the
// defaults noted.
type CloudTrail struct {
	Accounts        []string      // recipient accounts, used in turn; default one, 111111111111
	Region          string        // default us-east-1
	Users           int           // IAM users per account; default 200
	Roles           int           // roles per account; default 50
	SessionsPerRole int           // default 20
	IPs             int           // distinct public source addresses; default 5000
	UserAgents      int           // default 40
	ErrorEvery      int           // every ErrorEvery-th event fails; default 20 (5%)
	Start           time.Time     // time of event 0; default 2026-01-01
	Step            time.Duration // time between events; default 10ms
	// Run distinguishes the event IDs of two generators with otherwise
	// the same settings.
	Run string
}

func (c *CloudTrail) defaults() {
	if len(c.Accounts) == 0 {
		c.Accounts = []string{"111111111111"}
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	c.Users = cmpOr(c.Users, 200)
	c.Roles = cmpOr(c.Roles, 50)
	c.SessionsPerRole = cmpOr(c.SessionsPerRole, 20)
	c.IPs = cmpOr(c.IPs, 5000)
	c.UserAgents = cmpOr(c.UserAgents, 40)
	c.ErrorEvery = cmpOr(c.ErrorEvery, 20)
	if c.Start.IsZero() {
		c.Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.Step == 0 {
		c.Step = 10 * time.Millisecond
	}
}

// skewed maps a uniform draw r to [0, n), small values most often: the
// fourth power of a uniform fraction, so that about half the draws fall
// in the first 6% of the range.
func skewed(r, n uint64) uint64 {
	f := float64(r>>11) / (1 << 53)
	return uint64(f*f*f*f*float64(n)) % n
}

func cmpOr(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

var calls = []struct{ source, name string }{
	{"sts.amazonaws.com", "GetCallerIdentity"}, {"sts.amazonaws.com", "AssumeRole"},
	{"iam.amazonaws.com", "ListUsers"}, {"iam.amazonaws.com", "GetUser"}, {"iam.amazonaws.com", "ListRoles"},
	{"iam.amazonaws.com", "CreateAccessKey"}, {"iam.amazonaws.com", "AttachUserPolicy"},
	{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"},
	{"ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"}, {"ec2.amazonaws.com", "RunInstances"},
	{"ec2.amazonaws.com", "DescribeVpcs"}, {"s3.amazonaws.com", "ListBuckets"}, {"s3.amazonaws.com", "GetBucketPolicy"},
	{"s3.amazonaws.com", "PutBucketPolicy"}, {"lambda.amazonaws.com", "ListFunctions20150331"},
	{"kms.amazonaws.com", "ListKeys"}, {"cloudtrail.amazonaws.com", "DescribeTrails"},
	{"cloudtrail.amazonaws.com", "StopLogging"}, {"guardduty.amazonaws.com", "ListDetectors"},
	{"secretsmanager.amazonaws.com", "ListSecrets"}, {"ssm.amazonaws.com", "GetParameters"},
	{"logs.amazonaws.com", "DescribeLogGroups"}, {"organizations.amazonaws.com", "DescribeOrganization"},
}

var agents = []string{
	"aws-cli/2.17.%d Python/3.11.9 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/%d",
	"Boto3/1.34.%d md/Botocore#1.34.%d ua/2.0 os/linux lang/python#3.12.3",
	"aws-sdk-go-v2/1.30.%d os/linux lang/go#1.22.%d md/GOOS#linux api/sts#1.30",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0.%d.%d Safari/537.36",
	"Terraform/1.8.%d terraform-provider-aws/5.%d.0 (+https://registry.terraform.io/providers/hashicorp/aws)",
}

// Generator writes the events of one CloudTrail description.
type Generator struct {
	c       CloudTrail
	runSalt uint64
}

// New returns a Generator of c's events.
func New(c CloudTrail) *Generator {
	c.defaults()
	var salt uint64
	for _, r := range c.Run {
		salt = salt*31 + uint64(r)
	}
	return &Generator{c: c, runSalt: salt}
}

// mix is a fixed 64-bit hash of i and a salt (splitmix64), so event i is
// the same in every run.
func mix(i uint64, salt uint64) uint64 {
	z := i*0x9e3779b97f4a7c15 + salt
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// AppendEvent appends event i as one line of JSON.
func (g *Generator) AppendEvent(b []byte, i int) []byte {
	c := &g.c
	u := uint64(i)
	account := c.Accounts[i%len(c.Accounts)]
	when := c.Start.Add(time.Duration(i) * c.Step).UTC()
	// Activity is skewed as in real trails: a few principals (automation)
	// make most calls, each mostly from its own address and tool, to its
	// own few APIs; a role's sessions last an hour, as its credentials do.
	kind := mix(u, 8) % 100
	principal := skewed(mix(u, 9), uint64(c.Users+c.Roles))
	home := mix(principal, 20)
	ipN := (home + skewed(mix(u, 2), 4)) % uint64(c.IPs)
	ip := fmt.Sprintf("%d.%d.%d.%d", 3+ipN%200, (ipN/200)%250+1, (mix(ipN, 3)%250)+1, (mix(ipN, 4)%250)+1)
	agentN := (home + skewed(mix(u, 5), 3)) % uint64(c.UserAgents)
	agent := fmt.Sprintf(agents[agentN%uint64(len(agents))], agentN/uint64(len(agents)), agentN%7)
	call := calls[(home+skewed(mix(u, 1), 8))%uint64(len(calls))]
	id := mix(u, 6^g.runSalt)
	id2 := mix(u, 7^g.runSalt)
	eventID := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(id>>32), uint16(id>>16), uint16(id)&0xfff,
		uint16(id2>>48)&0xfff, id2&0xffffffffffff)

	b = append(b, `{"eventVersion":"1.09","userIdentity":`...)
	switch {
	case kind < 40:
		n := principal % uint64(c.Users)
		user := fmt.Sprintf("user%d", n)
		b = fmt.Appendf(b, `{"type":"IAMUser","principalId":"AIDA%016X","arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"AKIA%016X","userName":"%s"}`,
			n, account, user, account, n, user)
	case kind < 90:
		role := principal % uint64(c.Roles)
		session := (uint64(when.Unix()/3600) + role) % uint64(c.SessionsPerRole)
		b = fmt.Appendf(b, `{"type":"AssumedRole","principalId":"AROA%016X:session-%d","arn":"arn:aws:sts::%s:assumed-role/role-%d/session-%d","accountId":"%s","accessKeyId":"ASIA%016X","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%016X","arn":"arn:aws:iam::%s:role/role-%d","accountId":"%s","userName":"role-%d"},"attributes":{"creationDate":"%s","mfaAuthenticated":"false"}}}`,
			role, session, account, role, session, account, mix(u, 12), role, account, role, account, role,
			when.Add(-time.Hour).Format(time.RFC3339))
	case kind < 95:
		b = fmt.Appendf(b, `{"type":"Root","principalId":"%s","arn":"arn:aws:iam::%s:root","accountId":"%s","accessKeyId":"ASIA%016X"}`,
			account, account, account, mix(u, 13))
	default:
		b = append(b, `{"type":"AWSService","invokedBy":"cloudformation.amazonaws.com"}`...)
		ip, agent = "cloudformation.amazonaws.com", "cloudformation.amazonaws.com"
	}
	b = fmt.Appendf(b, `,"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":%s`,
		when.Format(time.RFC3339), call.source, call.name, c.Region, ip, strconv.Quote(agent))
	if c.ErrorEvery > 0 && i%c.ErrorEvery == c.ErrorEvery-1 {
		b = append(b, `,"errorCode":"AccessDenied","errorMessage":"User is not authorized to perform this operation","requestParameters":null,"responseElements":null`...)
	} else {
		b = fmt.Appendf(b, `,"requestParameters":{"maxResults":100,"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"team-%d"}]}}]}},"responseElements":null`,
			mix(u, 14)%50)
	}
	b = fmt.Appendf(b, `,"requestID":"%016x%016x","eventID":"%s","readOnly":%t,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s"}}`,
		mix(u, 15), mix(u, 16), eventID, mix(u, 17)%3 != 0, account, call.source)
	return b
}

// WriteFile writes events [from, from+n) as one CloudTrail log file:
// {"Records":[…]}, one event per line.
func (g *Generator) WriteFile(w io.Writer, from, n int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString("{\"Records\":[\n"); err != nil {
		return err
	}
	var b []byte
	for i := from; i < from+n; i++ {
		b = g.AppendEvent(b[:0], i)
		if i < from+n-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}
