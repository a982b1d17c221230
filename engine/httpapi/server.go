package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/ipc"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/encode"
	"github.com/freshet/freshet/sql"
)

// ArrowStream is the media type of an Arrow IPC stream.
const ArrowStream = "application/vnd.apache.arrow.stream"

// Handler serves /v1/.
type Handler struct {
	eng *engine.Engine
	log *slog.Logger
	mux *http.ServeMux
}

// New returns the query API over eng. A nil logger discards.
func New(eng *engine.Engine, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{eng: eng, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /v1/sql", h.sql)
	h.mux.HandleFunc("GET /v1/streams", h.simple("SHOW STREAMS"))
	h.mux.HandleFunc("GET /v1/queries", h.simple("SHOW QUERIES"))
	h.mux.HandleFunc("GET /v1/queries/{id}", h.query)
	h.mux.HandleFunc("DELETE /v1/queries/{id}", h.stop)
	h.mux.HandleFunc("GET /v1/alerts", h.alerts)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Request is the body of POST /v1/sql.
type Request struct {
	SQL string `json:"sql"`
	// FromEarliest starts a push query at the oldest record.
	FromEarliest bool `json:"from_earliest,omitempty"`
}

// ErrorBody is the body of a failed request.
type ErrorBody struct {
	Error  string `json:"error"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// Column describes a result column.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Response is the body of a statement's answer (snapshot rows or message).
type Response struct {
	Columns []Column `json:"columns,omitempty"`
	Rows    [][]any  `json:"rows,omitempty"`
	Message string   `json:"message,omitempty"`
	QueryID string   `json:"query_id,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	body := ErrorBody{Error: err.Error()}
	if p, ok := sql.ErrorPos(err); ok {
		body.Line, body.Column = p.Line, p.Col
	}
	writeJSON(w, status, body)
}

func (h *Handler) sql(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("read request: %w", err))
		return
	}
	if len(body) > 1<<20 {
		writeError(w, http.StatusRequestEntityTooLarge, errors.New("statement larger than 1 MiB"))
		return
	}
	var req Request
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("request body: %w", err))
			return
		}
	} else {
		req.SQL = string(body)
	}
	h.run(w, r, req)
}

func (h *Handler) simple(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.run(w, r, Request{SQL: text}) }
}

func (h *Handler) run(w http.ResponseWriter, r *http.Request, req Request) {
	stmt, err := sql.ParseOne(req.SQL)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	res, err := h.eng.ExecuteStatement(r.Context(), stmt, engine.ExecOptions{FromEarliest: req.FromEarliest})
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	defer res.Close()
	switch {
	case res.Kind == sql.Push:
		h.stream(w, r.Context(), res)
	case res.Columns != nil && strings.Contains(r.Header.Get("Accept"), ArrowStream):
		h.arrow(w, r.Context(), res)
	default:
		h.document(w, r.Context(), res)
	}
}

func columns(s sql.Schema) []Column {
	out := make([]Column, len(s))
	for i, c := range s {
		out[i] = Column{Name: c.Name, Type: c.Type.String()}
	}
	return out
}

// jsonValue converts a value for encoding/json (timestamps as RFC 3339).
func jsonValue(v sql.Value) any {
	if v.IsNull() {
		return nil
	}
	return json.RawMessage(encode.AppendJSONValue(nil, v))
}

func (h *Handler) document(w http.ResponseWriter, ctx context.Context, res *engine.Result) {
	out := Response{Message: res.Message, QueryID: res.QueryID}
	if res.Columns != nil {
		out.Columns = columns(res.Columns)
		out.Rows = [][]any{}
	}
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, err := encode.Row(rec, i)
			if err != nil {
				rec.Release()
				writeError(w, http.StatusInternalServerError, err)
				return
			}
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = jsonValue(v)
			}
			out.Rows = append(out.Rows, vals)
		}
		rec.Release()
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) arrow(w http.ResponseWriter, ctx context.Context, res *engine.Result) {
	var iw *ipc.Writer
	defer func() {
		if iw != nil {
			iw.Close()
		}
	}()
	for {
		rec, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			if iw == nil {
				w.Header().Set("Content-Type", ArrowStream)
				w.WriteHeader(http.StatusNoContent)
			}
			return
		}
		if err != nil {
			if iw == nil {
				writeError(w, http.StatusBadRequest, err)
			}
			return
		}
		if iw == nil {
			w.Header().Set("Content-Type", ArrowStream)
			iw = ipc.NewWriter(w, ipc.WithSchema(rec.Schema()))
		}
		err = iw.Write(rec)
		rec.Release()
		if err != nil {
			h.log.Warn("write arrow stream", "err", err)
			return
		}
	}
}

// stream writes a push query's rows as newline-delimited JSON until the
// query ends or the client goes away.
func (h *Handler) stream(w http.ResponseWriter, ctx context.Context, res *engine.Result) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	enc.Encode(map[string]any{"columns": columns(res.Columns)})
	if fl != nil {
		fl.Flush()
	}
	names := res.Columns.Names()
	for {
		rec, err := res.Next(ctx)
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				enc.Encode(ErrorBody{Error: err.Error()})
			}
			return
		}
		var buf []byte
		for i := 0; i < int(rec.NumRows()); i++ {
			row, err := encode.Row(rec, i)
			if err != nil {
				break
			}
			buf = encode.AppendJSON(buf, names, row)
			buf = append(buf, '\n')
		}
		rec.Release()
		if _, err := w.Write(buf); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
	}
}

func (h *Handler) query(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	res, err := h.eng.Execute(r.Context(), "SHOW QUERIES")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	defer res.Close()
	for {
		rec, err := res.Next(r.Context())
		if err != nil {
			break
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row, _ := encode.Row(rec, i)
			if row[0].Str == id {
				obj := map[string]any{}
				for j, c := range res.Columns {
					obj[c.Name] = jsonValue(row[j])
				}
				rec.Release()
				writeJSON(w, http.StatusOK, obj)
				return
			}
		}
		rec.Release()
	}
	writeError(w, http.StatusNotFound, fmt.Errorf("no query %s", id))
}

func (h *Handler) stop(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := h.eng.Queries()[id]; !ok {
		writeError(w, http.StatusNotFound, fmt.Errorf("no query %s", id))
		return
	}
	h.run(w, r, Request{SQL: "STOP QUERY " + id})
}

// alerts lists the alert-rule instances (engine.Alert) as a JSON array.
func (h *Handler) alerts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.eng.Alerts())
}
