package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

var errorType = reflect.TypeFor[error]()

// rpc calls bound service methods from HTTP, the way Wails calls them from
// the window: POST /api/call/Service.Method with a JSON array of arguments;
// the answer is the JSON result, or an Error with a matching status.
type rpc struct {
	methods map[string]reflect.Value // "Service.Method" -> bound method
}

func newRPC(services map[string]any) *rpc {
	r := &rpc{methods: map[string]reflect.Value{}}
	for name, svc := range services {
		v := reflect.ValueOf(svc)
		for i := 0; i < v.NumMethod(); i++ {
			r.methods[name+"."+v.Type().Method(i).Name] = v.Method(i)
		}
	}
	return r
}

const maxCallBody = 8 << 20

func (r *rpc) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, Error{Code: "method_not_allowed", Message: "use POST"}, http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(req.URL.Path, "/api/call/")
	m, ok := r.methods[name]
	if !ok {
		writeError(w, Error{Code: "not_found_method", Message: fmt.Sprintf("no such call %q", name)}, http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxCallBody+1))
	if err != nil || len(body) > maxCallBody {
		writeError(w, Error{Code: "invalid_argument", Message: "request body unreadable or too large"}, http.StatusBadRequest)
		return
	}
	args, err := decodeArgs(m.Type(), body)
	if err != nil {
		writeError(w, Error{Code: "invalid_argument", Message: fmt.Sprintf("%s: %v", name, err)}, http.StatusBadRequest)
		return
	}
	result, callErr := call(m, args)
	if callErr != nil {
		e := toError(callErr)
		writeError(w, e, statusOf(e.Code))
		return
	}
	writeJSON(w, http.StatusOK, result)
}

func decodeArgs(t reflect.Type, body []byte) ([]reflect.Value, error) {
	var raw []json.RawMessage
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, fmt.Errorf("arguments must be a JSON array: %w", err)
		}
	}
	if len(raw) != t.NumIn() {
		return nil, fmt.Errorf("want %d arguments, got %d", t.NumIn(), len(raw))
	}
	args := make([]reflect.Value, len(raw))
	for i, r := range raw {
		p := reflect.New(t.In(i))
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		args[i] = p.Elem()
	}
	return args, nil
}

// call invokes m and splits its results into a value and an error, for
// the signatures Wails supports: (), (T), (error), (T, error).
func call(m reflect.Value, args []reflect.Value) (any, error) {
	out := m.Call(args)
	var result any
	var err error
	for _, o := range out {
		if o.Type() == errorType {
			if !o.IsNil() {
				err = o.Interface().(error)
			}
			continue
		}
		result = o.Interface()
	}
	return result, err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e Error, status int) { writeJSON(w, status, e) }
