package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// errBadInput is a form or query value the console cannot use.
var errBadInput = errors.New("bad input")

func badInput(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errBadInput}, args...)...)
}

// parsePages parses each page template with the shared layout.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"ts":         func(t time.Time) string { return when(t) },
		"bytes":      humanBytes,
		"pct":        func(f float64) string { return fmt.Sprintf("%.2f%%", f) },
		"q":          url.QueryEscape,
		"lower":      strings.ToLower,
		"profileURL": profileURL,
		"isProfiled": isProfiled,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "graphs", "investigations", "investigation", "profile", "groups", "error"} {
		pages[name] = template.Must(template.New("layout.html").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// render writes a page; data is the page's own, s the signed-in session
// (zero on the sign-in page).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, s session, data any) {
	var buf bytes.Buffer
	err := h.pages()[name].Execute(&buf, map[string]any{"Session": s, "Page": name, "Data": data})
	if err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "console template failed", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// profileURL links to an entity's profile in graph.
func profileURL(graph, entity string) template.URL {
	return template.URL(Prefix + "profile?graph=" + url.QueryEscape(graph) + "&entity=" + url.QueryEscape(entity))
}

// isProfiled reports whether v names an entity the console has a profile
// page for: an IAM or STS ARN, an account ID, or an IP address.
func isProfiled(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	return strings.HasPrefix(s, "arn:aws:iam::") || strings.HasPrefix(s, "arn:aws:sts::") || validAccount(s) || isIP(s)
}
