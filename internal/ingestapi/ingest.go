package ingestapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// ingest streams the body into the pipeline and answers its counts.
func (h *Handler) ingest(w http.ResponseWriter, r *http.Request) {
	req, msg := ingestRequest(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", msg)
		return
	}
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxBytes)
	res, err := h.cfg.Ingester.Ingest(r.Context(), body, req)
	var (
		fe      *ingest.FormatError
		tooLong *http.MaxBytesError
		bomb    *format.LimitError
	)
	switch {
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, "UnknownFormat", formatMessage(fe))
		return
	case errors.As(err, &tooLong):
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("the body is over the ingest limit of %d bytes (--ingest-max-bytes)", tooLong.Limit))
		return
	case errors.As(err, &bomb):
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", bomb.Error())
		return
	case err != nil && (r.Context().Err() != nil || isTimeout(err)):
		// The body stopped arriving: the client went away or passed its
		// deadline. The answer may reach nobody, but must not be a 200.
		h.cfg.Log.WarnContext(r.Context(), "ingest body cut short", slog.String("source", req.Source), slog.Any("err", err))
		writeError(w, http.StatusRequestTimeout, "RequestTimeout",
			"the body stopped arriving before its end; what arrived is ingested, and sending the whole file again completes it")
		return
	case err != nil:
		h.internalError(w, r, "ingest", err)
		return
	}
	h.cfg.Log.InfoContext(r.Context(), "ingested", slog.String("source", req.Source), slog.String("format", string(req.Format)),
		slog.Int64("records", res.Records), slog.Int64("accepted", res.Accepted), slog.Int64("bytes", res.Bytes))
	writeJSON(w, http.StatusOK, normalized(res))
}

// ingestRequest reads the query, or says what is wrong with it.
func ingestRequest(r *http.Request) (ingest.Request, string) {
	q := r.URL.Query()
	req := ingest.Request{
		Format:  format.Format(q.Get("format")),
		Region:  q.Get("region"),
		Account: q.Get("account"),
		Source:  q.Get("source"),
	}
	if req.Account != "" && !detective.AccountID(req.Account).Valid() {
		return req, fmt.Sprintf("account %q is not 12 digits", req.Account)
	}
	if req.Source == "" {
		req.Source = "http"
	}
	return req, ""
}

// formatMessage is the answer to a stream the pipeline refused for its
// format: a named format it does not know, or content it cannot recognise.
func formatMessage(fe *ingest.FormatError) string {
	names := make([]string, len(fe.Formats))
	for i, f := range fe.Formats {
		names[i] = string(f)
	}
	if fe.Format != "" {
		return fmt.Sprintf("unknown format %q; formats: %s", fe.Format, strings.Join(names, ", "))
	}
	return "the body is in no format this server reads; formats: " + strings.Join(names, ", ")
}

// normalized gives res empty collections instead of nulls, so that
// clients read the same shape whatever happened.
func normalized(res ingest.Result) ingest.Result {
	if res.Graphs == nil {
		res.Graphs = map[string]int64{}
	}
	if res.Skipped == nil {
		res.Skipped = map[string]int64{}
	}
	if res.Errors == nil {
		res.Errors = []ingest.RecordError{}
	}
	return res
}

// isTimeout reports whether err is a read that passed its deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
