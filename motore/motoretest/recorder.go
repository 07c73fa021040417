package motoretest

import (
	"context"
	"sync"

	"github.com/govolo/volo/motore"
)

// Recorder is a service that records each request, counts the calls in
// flight and delegates to a handler (or returns the zero response). Use it
// as the inner service to check what the layers above let through.
type Recorder[Req, Resp any] struct {
	handler motore.Service[Req, Resp]

	mu          sync.Mutex
	reqs        []Req
	inFlight    int
	maxInFlight int
	failures    int
}

// NewRecorder returns a Recorder that answers with handler, or with the zero
// response and a nil error when handler is nil.
func NewRecorder[Req, Resp any](handler motore.Service[Req, Resp]) *Recorder[Req, Resp] {
	return &Recorder[Req, Resp]{handler: handler}
}

// Call records req and answers it.
func (r *Recorder[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.inFlight++
	r.maxInFlight = max(r.maxInFlight, r.inFlight)
	r.mu.Unlock()
	var (
		resp Resp
		err  error
	)
	defer func() {
		r.mu.Lock()
		r.inFlight--
		if err != nil {
			r.failures++
		}
		r.mu.Unlock()
	}()
	if r.handler != nil {
		resp, err = r.handler.Call(ctx, req)
	}
	return resp, err
}

// Describe names the recorder in stack descriptions.
func (r *Recorder[Req, Resp]) Describe() string { return "recorder" }

// Requests returns a copy of the requests seen so far, in arrival order.
func (r *Recorder[Req, Resp]) Requests() []Req {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Req(nil), r.reqs...)
}

// Count returns the number of calls seen so far.
func (r *Recorder[Req, Resp]) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// Failures returns the number of finished calls whose handler returned an
// error; Count minus InFlight minus Failures succeeded.
func (r *Recorder[Req, Resp]) Failures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures
}

// InFlight returns the number of calls running now.
func (r *Recorder[Req, Resp]) InFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inFlight
}

// MaxInFlight returns the largest number of calls that ran at once.
func (r *Recorder[Req, Resp]) MaxInFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxInFlight
}

// Reset forgets the recorded requests, the failures and the in-flight
// maximum.
func (r *Recorder[Req, Resp]) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = nil
	r.failures = 0
	r.maxInFlight = r.inFlight
}
