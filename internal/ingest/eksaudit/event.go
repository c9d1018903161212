package eksaudit

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// event is a Kubernetes audit event (audit.k8s.io/v1 Event), reduced to
// what the behavior graph keeps.
type event struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	AuditID    string `json:"auditID"`
	Stage      string `json:"stage"`
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
		// Extra is where EKS's authenticator puts the IAM identity.
		Extra struct {
			ARN          []string `json:"arn"`
			CanonicalARN []string `json:"canonicalArn"`
			AccessKeyID  []string `json:"accessKeyId"`
		} `json:"extra"`
	} `json:"user"`
	SourceIPs []string `json:"sourceIPs"`
	UserAgent string   `json:"userAgent"`
	ObjectRef struct {
		Resource    string `json:"resource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
	// RequestObject stays raw: its shape depends on the resource, and only
	// workloads' container images are read from it.
	RequestObject            json.RawMessage `json:"requestObject"`
	RequestReceivedTimestamp string          `json:"requestReceivedTimestamp"`
	StageTimestamp           string          `json:"stageTimestamp"`
}

var errNotAudit = errors.New("not an audit event")

func (ev *event) record(size int64, account, region, cluster string) (behavior.Record, error) {
	if ev.Kind != "" && ev.Kind != "Event" || ev.APIVersion != "" && !strings.HasPrefix(ev.APIVersion, "audit.k8s.io/") {
		return behavior.Record{}, errNotAudit
	}
	if ev.AuditID == "" {
		return behavior.Record{}, fmt.Errorf("audit event has no auditID")
	}
	ts := ev.StageTimestamp
	if ts == "" {
		ts = ev.RequestReceivedTimestamp
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return behavior.Record{}, fmt.Errorf("audit event %s: stageTimestamp: %w", ev.AuditID, err)
	}
	extra := &ev.User.Extra
	k := &behavior.K8sEvent{
		AuditID:      ev.AuditID,
		Stage:        ev.Stage,
		Verb:         ev.Verb,
		RequestURI:   ev.RequestURI,
		Username:     ev.User.Username,
		Groups:       ev.User.Groups,
		SourceIPs:    ev.SourceIPs,
		UserAgent:    ev.UserAgent,
		Resource:     ev.ObjectRef.Resource,
		Subresource:  ev.ObjectRef.Subresource,
		Namespace:    ev.ObjectRef.Namespace,
		Name:         ev.ObjectRef.Name,
		ResponseCode: ev.ResponseStatus.Code,
		Cluster:      cluster,
		Images:       ev.images(),
		PrincipalARN: cmp.Or(first(extra.CanonicalARN), first(extra.ARN)),
		AccessKeyID:  first(extra.AccessKeyID),
	}
	return behavior.Record{
		Kind:    behavior.KindK8s,
		Account: detective.AccountID(account),
		Region:  region,
		Package: detective.PackageEKSAudit,
		Time:    t.UTC(),
		Size:    size,
		Key:     ev.AuditID + "/" + ev.Stage,
		K8s:     k,
	}, nil
}

// workload is the part of a pod, or of a controller's pod template,
// that names container images.
type workload struct {
	Spec struct {
		podSpec
		Template struct {
			Spec podSpec `json:"spec"`
		} `json:"template"`
		JobTemplate struct {
			Spec struct {
				Template struct {
					Spec podSpec `json:"spec"`
				} `json:"template"`
			} `json:"spec"`
		} `json:"jobTemplate"`
	} `json:"spec"`
}

type podSpec struct {
	Containers          []container `json:"containers"`
	InitContainers      []container `json:"initContainers"`
	EphemeralContainers []container `json:"ephemeralContainers"`
}

type container struct {
	Image string `json:"image"`
}

// images returns the container images of a workload the event creates
// or changes; nil for any other event. An object that does not parse
// yields none: the event itself is still good.
func (ev *event) images() []string {
	switch ev.ObjectRef.Resource {
	case "pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers":
	default:
		return nil
	}
	if ev.Verb != "create" && ev.Verb != "update" && ev.Verb != "patch" || len(ev.RequestObject) == 0 {
		return nil
	}
	var w workload
	if fastjson.Unmarshal(ev.RequestObject, &w) != nil {
		return nil
	}
	var out []string
	for _, spec := range []*podSpec{&w.Spec.podSpec, &w.Spec.Template.Spec, &w.Spec.JobTemplate.Spec.Template.Spec} {
		for _, list := range [][]container{spec.Containers, spec.InitContainers, spec.EphemeralContainers} {
			for _, c := range list {
				if c.Image != "" && !slices.Contains(out, c.Image) {
					out = append(out, c.Image)
				}
			}
		}
	}
	return out
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
