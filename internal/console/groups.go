package console

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/detective-local/detective-local/internal/investigate"
)

type groupView struct {
	investigate.Group
	// Elements is the group as a graph for cytoscape: its findings and
	// the entities they involve, as JSON.
	Elements template.JS
}

type groupsData struct {
	Graph, Entity string
	Available     bool
	Groups        []groupView
}

// findingGroups shows the finding groups of an entity's findings, each
// with its severity, time span, findings and entities as a graph.
func (h *Handler) findingGroups(w http.ResponseWriter, r *http.Request, s session) error {
	graph, err := h.adminGraph(r, s)
	if err != nil {
		return err
	}
	entity := strings.TrimSpace(r.FormValue("entity"))
	d := groupsData{Graph: graph.String(), Entity: entity, Available: h.cfg.Profiles != nil}
	if d.Available && entity != "" {
		gs, err := h.cfg.Profiles.FindingGroups(r.Context(), graph, entity)
		if err != nil {
			return err
		}
		want := r.FormValue("id")
		for _, g := range gs {
			if want == "" || g.ID == want {
				d.Groups = append(d.Groups, groupView{Group: g, Elements: groupElements(g)})
			}
		}
	}
	h.render(w, r, "groups", s, d)
	return nil
}

type cyElement struct {
	Data map[string]string `json:"data"`
}

// groupElements is a group's findings and entities as cytoscape
// elements: a node per finding and per entity, an edge per involvement.
func groupElements(g investigate.Group) template.JS {
	var els []cyElement
	seen := map[string]bool{}
	node := func(id, label, kind string) {
		if !seen[id] {
			seen[id] = true
			els = append(els, cyElement{Data: map[string]string{"id": id, "label": label, "kind": kind}})
		}
	}
	for _, f := range g.Findings {
		fid := "finding:" + f.ID
		node(fid, f.Type, "finding")
		for _, list := range []struct {
			kind   string
			values []string
		}{{"principal", f.Principals}, {"ip", f.RemoteIPs}, {"instance", f.InstanceIDs}, {"key", f.AccessKeyIDs},
			{"bucket", f.Buckets}, {"cluster", f.Clusters}} {
			for _, v := range list.values {
				eid := list.kind + ":" + v
				node(eid, shortName(v), list.kind)
				els = append(els, cyElement{Data: map[string]string{"id": fid + ">" + eid, "source": fid, "target": eid}})
			}
		}
	}
	b, _ := json.Marshal(els) // maps of strings always encode
	return template.JS(b)
}

// shortName is the last part of an ARN, for a node's label.
func shortName(v string) string {
	if i := strings.LastIndexAny(v, "/:"); i >= 0 && strings.HasPrefix(v, "arn:") {
		return v[i+1:]
	}
	return v
}
