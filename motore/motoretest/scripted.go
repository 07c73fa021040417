package motoretest

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrExhausted is returned by a [Scripted] service called more times than it
// has steps (unless it repeats its last step).
var ErrExhausted = errors.New("motoretest: script exhausted")

// Step is one scripted answer: after Delay, panic with Panic if it is not
// nil, else return Resp and Err.
type Step[Resp any] struct {
	Resp  Resp
	Err   error
	Delay time.Duration
	Panic any
}

// Return is a step that answers resp.
func Return[Resp any](resp Resp) Step[Resp] { return Step[Resp]{Resp: resp} }

// Fail is a step that fails with err.
func Fail[Resp any](err error) Step[Resp] { return Step[Resp]{Err: err} }

// After returns the step delayed by d. A call whose context ends during the
// delay returns the context's error instead.
func (s Step[Resp]) After(d time.Duration) Step[Resp] {
	s.Delay = d
	return s
}

// Scripted is a service that answers calls with its steps in order.
type Scripted[Req, Resp any] struct {
	mu     sync.Mutex
	steps  []Step[Resp]
	next   int
	repeat bool
}

// NewScripted returns a service that answers with steps in order, then with
// ErrExhausted.
func NewScripted[Req, Resp any](steps ...Step[Resp]) *Scripted[Req, Resp] {
	return &Scripted[Req, Resp]{steps: append([]Step[Resp](nil), steps...)}
}

// RepeatLast makes the last step answer every call after the script runs
// out, and returns s.
func (s *Scripted[Req, Resp]) RepeatLast() *Scripted[Req, Resp] {
	s.mu.Lock()
	s.repeat = true
	s.mu.Unlock()
	return s
}

// Then appends steps to the script.
func (s *Scripted[Req, Resp]) Then(steps ...Step[Resp]) {
	s.mu.Lock()
	s.steps = append(s.steps, steps...)
	s.mu.Unlock()
}

// Calls returns the number of calls answered so far.
func (s *Scripted[Req, Resp]) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Call answers with the next step.
func (s *Scripted[Req, Resp]) Call(ctx context.Context, _ Req) (Resp, error) {
	step, ok := s.take()
	if !ok {
		var zero Resp
		return zero, ErrExhausted
	}
	if step.Delay > 0 {
		t := time.NewTimer(step.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			var zero Resp
			return zero, ctx.Err()
		}
	}
	if step.Panic != nil {
		panic(step.Panic)
	}
	return step.Resp, step.Err
}

// Describe names the service in stack descriptions.
func (s *Scripted[Req, Resp]) Describe() string { return "scripted" }

func (s *Scripted[Req, Resp]) take() (Step[Resp], bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.next
	if i >= len(s.steps) {
		if !s.repeat || len(s.steps) == 0 {
			return Step[Resp]{}, false
		}
		i = len(s.steps) - 1
	}
	s.next++
	return s.steps[i], true
}
