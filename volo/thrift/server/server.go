package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/internal/registration"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/internal/bind"
)

// errShutdownDeadline is the cause of the handlers' contexts when a
// graceful shutdown runs out of time.
var errShutdownDeadline error = volo.NewError(volo.CodeUnavailable, errors.New("volo: server shut down before the call finished"))

// ErrUnregistrableAddr is returned by Serve when the server has a registry
// (WithRegistry) and no address of its own to register, and the listener's
// address is not one peers can dial (0.0.0.0 or [::]).
var ErrUnregistrableAddr = errors.New("volo: listener address cannot be registered")

// Errors of RegisterService.
var (
	// ErrInvalidService means a service description cannot be served: it
	// is nil, or a method lacks a name, NewArgs, NewResult or Handler, or
	// is listed twice.
	ErrInvalidService = errors.New("volo: invalid service description")
	// ErrDuplicateService means a service of that name is registered
	// already.
	ErrDuplicateService = errors.New("volo: service registered twice")
	// ErrImplementation means the implementation does not satisfy the
	// service's handler interface (ServiceDesc.HandlerType).
	ErrImplementation = errors.New("volo: implementation does not satisfy the service's interface")
)

// abortWriteTimeout bounds writing the exceptions of calls cut off by a
// shutdown deadline, so that a peer that does not read cannot hold
// Shutdown past it.
const abortWriteTimeout = 100 * time.Millisecond

// Server serves Thrift services over TTHeader, TTHeaderFramed, Framed and
// Buffered connections, replying to each request in the framing it used.
// Register services, then call Serve with one or more listeners.
type Server struct {
	cfg   config
	stack thrift.Service

	routes   sync.RWMutex
	services map[string]map[string]*route // service, then method
	methods  map[string]*route            // method, first registered service wins

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	regs      registration.Set // what Serve registered, to deregister
	closing   atomic.Bool      // set under mu, read without it
	closed    chan struct{}    // closed when closing is set
	aborting  atomic.Bool      // Close, or a shutdown's deadline passed: writes get abortWriteTimeout
	wg        sync.WaitGroup   // Serve loops, connections, handlers

	limitsOnce  sync.Once
	maxConns    int           // the connection cap in force (see WithMaxConns), set by the first Serve
	evicting    int           // connections in s.conns closing to make room, under mu
	connGone    chan struct{} // a connection ended: a refusing accept loop may go on
	refusals    atomic.Int64
	refLogged   atomic.Int64 // unix nanoseconds of the last refusal logged
	budget      budget
	pauses      atomic.Int64
	pauseLogged atomic.Int64

	baseCtx context.Context
	cancel  context.CancelCauseFunc

	// The watchdog of calls run inline (see inline.go): its tick count,
	// and whether it runs.
	tick     atomic.Int64
	watching atomic.Bool
	// Every connection's inline slot, under mu: nslots are in use or
	// free, the free ones listed.
	slots     []*slotBlock
	nslots    int
	freeSlots []int

	// infoMaps holds emptied maps of requests' TTHeader string keys, for
	// the connections' readers to read the next requests' keys into.
	infoMaps sync.Pool
}

// route is a registered method: its descriptor and the implementation
// of its service.
type route struct {
	service string
	desc    *thrift.MethodDesc
	impl    any
}

// New returns a server with its middleware stack built. It fails only if
// the stack cannot be built (a nil middleware, or a layer that refuses
// its inner service), with a *motore.BuildError.
func New(opts ...Option) (*Server, error) {
	s := &Server{
		cfg:       newConfig(opts),
		services:  make(map[string]map[string]*route),
		methods:   make(map[string]*route),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*conn]struct{}),
		closed:    make(chan struct{}),
		connGone:  make(chan struct{}, 1),
	}
	s.budget = newBudget(s.cfg.maxInFlight)
	stack, err := motore.Build[*thrift.Call, thrift.Struct](&dispatch{s: s}, s.cfg.middleware...)
	if err != nil {
		return nil, err
	}
	s.stack = stack
	s.baseCtx, s.cancel = context.WithCancelCause(context.Background())
	s.regs = registration.Set{Registry: s.cfg.registry, Service: s.cfg.regService, Instance: s.cfg.regInstance,
		Unregistrable: ErrUnregistrableAddr, Logger: s.cfg.logger}
	return s, nil
}

// Describe returns the server's stack, outermost layer first, ending with
// the handler dispatch: what motore.Describe prints.
func (s *Server) Describe() string { return motore.Describe(s.stack) }

// RegisterService adds a service whose methods are called on impl.
// Generated code wraps it in a typed Register<Service>(srv, impl), so that
// the compiler checks impl; this method checks it at run time: impl must
// satisfy desc.HandlerType, or it fails with [ErrImplementation].
//
// A request is routed by TTHeader's "isn" key and the method name; a
// request without "isn" (Framed, Buffered, or a TTHeader peer that leaves
// it out) goes to the first registered service that has the method. It
// fails with [ErrInvalidService] for a nil or incomplete description (a
// method without a name, NewArgs or Handler, or without NewResult when it
// is not oneway, or named twice), with [ErrDuplicateService] if a service
// of that name is registered already, and with volo.ErrServerClosed once
// Shutdown or Close began.
func (s *Server) RegisterService(desc *thrift.ServiceDesc, impl any) error {
	if err := checkService(desc, impl); err != nil {
		return err
	}
	if s.isClosing() {
		return volo.ErrServerClosed
	}
	s.routes.Lock()
	defer s.routes.Unlock()
	if _, dup := s.services[desc.Name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateService, desc.Name)
	}
	routes := make(map[string]*route, len(desc.Methods))
	s.services[desc.Name] = routes
	for _, m := range desc.Methods {
		r := &route{service: desc.Name, desc: m, impl: impl}
		routes[m.Name] = r
		if _, ok := s.methods[m.Name]; !ok {
			s.methods[m.Name] = r
		}
	}
	return nil
}

// checkService refuses a description a server cannot dispatch with, and
// an implementation of the wrong type.
func checkService(desc *thrift.ServiceDesc, impl any) error {
	if desc == nil {
		return fmt.Errorf("%w: nil description", ErrInvalidService)
	}
	seen := make(map[string]bool, len(desc.Methods))
	for i, m := range desc.Methods {
		switch {
		case m == nil:
			return fmt.Errorf("%w: %s: method %d is nil", ErrInvalidService, desc.Name, i)
		case m.Name == "":
			return fmt.Errorf("%w: %s: method %d has no name", ErrInvalidService, desc.Name, i)
		case seen[m.Name]:
			return fmt.Errorf("%w: %s: method %s is listed twice", ErrInvalidService, desc.Name, m.Name)
		case m.NewArgs == nil || m.Handler == nil || m.NewResult == nil && !m.Oneway:
			return fmt.Errorf("%w: method %s.%s has no NewArgs, NewResult or Handler", ErrInvalidService, desc.Name, m.Name)
		}
		seen[m.Name] = true
	}
	if desc.HandlerType == nil {
		return nil
	}
	ht := reflect.TypeOf(desc.HandlerType)
	if ht.Kind() != reflect.Pointer || ht.Elem().Kind() != reflect.Interface {
		return fmt.Errorf("%w: %s: HandlerType is %s, not a pointer to an interface", ErrInvalidService, desc.Name, ht)
	}
	if impl == nil || !reflect.TypeOf(impl).Implements(ht.Elem()) {
		return fmt.Errorf("%w: %T does not implement %s", ErrImplementation, impl, ht.Elem())
	}
	return nil
}

// lookup finds a method. A service name that no registered service has is
// ignored, so that a caller that names its IDL service differently still
// reaches the method.
func (s *Server) lookup(service string, name []byte) *route {
	s.routes.RLock()
	defer s.routes.RUnlock()
	if service != "" {
		if m, ok := s.services[service][string(name)]; ok {
			return m
		}
	}
	return s.methods[string(name)]
}

// Serve accepts connections on ln and serves each on its own goroutine,
// until Shutdown or Close, when it returns [volo.ErrServerClosed]. If ln is
// closed by someone else, Serve returns its error; other accept errors
// (such as running out of file descriptors) are retried after a back-off
// of up to a second. With [WithTLS], ln's connections are served over TLS;
// [WithReady] hears when Serve accepts.
func (s *Server) Serve(ln net.Listener) error {
	ln = s.wrap(ln)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		ln.Close()
		return volo.ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	s.limitsOnce.Do(s.applyLimits)
	if s.cfg.registry != nil {
		if err := s.regs.Add(s.baseCtx, ln, s.closing.Load); err != nil {
			s.mu.Lock()
			delete(s.listeners, ln)
			s.mu.Unlock()
			ln.Close()
			if s.isClosing() {
				// Shutdown or Close cut the registration short.
				return volo.ErrServerClosed
			}
			return err
		}
	}

	s.ready(ln)
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosing() {
				return volo.ErrServerClosed
			}
			if !errors.Is(err, net.ErrClosed) {
				// Out of file descriptors and the like: wait and retry,
				// as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.cfg.logger.Warn("volo: accept failed, retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if !s.add(nc) {
			// At the cap: refuse, but do not spin on a flood of
			// connections; go on as soon as one ends.
			pause := time.NewTimer(refusalPause)
			select {
			case <-s.connGone:
			case <-pause.C:
			case <-s.closed:
			}
			pause.Stop()
		}
	}
}

// add starts serving nc. It reports false if it refused nc for the
// connection cap. A connection accepted once the server began to shut
// down is served as a draining one, which refuses its requests with the
// not-run refusal: closed at once, it would end in a reset or in an end
// of stream its peer could not tell from a lost call.
func (s *Server) add(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aborting.Load() {
		nc.Close()
		return true
	}
	if s.maxConns > 0 && len(s.conns)-s.evicting >= s.maxConns && !s.evictLocked() {
		nc.Close()
		if n := s.refusals.Add(1); s.logNow(&s.refLogged) {
			s.cfg.logger.Warn("volo: at the connection cap, refusing connections", "max_conns", s.maxConns, "refused", n)
		}
		return false
	}
	c := newConn(s, nc)
	s.takeSlot(c)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	go c.serve()
	return true
}

func (s *Server) remove(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.freeSlot(c)
	if c.evict.Load() {
		s.evicting--
	}
	s.mu.Unlock()
	select {
	case s.connGone <- struct{}{}:
	default:
	}
}

func (s *Server) isClosing() bool { return s.closing.Load() }

// Shutdown stops the server gracefully: it stops accepting, deregisters
// from the registry (WithRegistry), stops reading new requests, lets the
// calls in flight finish and send their replies
// (marked with TTHeader's "crrst" key, so that pooled clients drop the
// connection), then closes every connection. If ctx ends first, the
// handlers' contexts are cancelled (their cause says the server shut
// down), each call still running is answered at once with an
// INTERNAL_ERROR exception "volo: server shut down before the call
// finished" (its handler's late result is dropped), the connections are
// closed, and Shutdown returns ctx's error once the handlers have
// returned. A handler that ignores its context holds Shutdown until
// it returns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	s.regs.Remove(ctx)
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel(volo.ErrServerClosed)
		return nil
	case <-ctx.Done():
		// Answer first, so the callers get the shutdown's exception
		// rather than whatever their cancelled handlers return.
		s.aborting.Store(true)
		s.abortConns()
		s.cancel(errShutdownDeadline)
		s.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close stops the server at once: listeners and connections are closed,
// handlers' contexts cancelled. It returns when every goroutine the server
// started has ended (a handler that ignores its context holds it).
func (s *Server) Close() error {
	s.beginClose()
	ctx, cancel := context.WithTimeout(context.Background(), registration.Timeout)
	s.regs.Remove(ctx)
	cancel()
	s.aborting.Store(true)
	// The connections close before the handlers hear of it: a handler
	// that returns on its cancelled context would otherwise race the
	// close with its reply, and the peer could read a call cut off as one
	// answered.
	s.closeConns()
	s.cancel(volo.ErrServerClosed)
	s.wg.Wait()
	return nil
}

func (s *Server) beginClose() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closing.Load() {
		close(s.closed)
	}
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
		delete(s.listeners, ln)
	}
	for c := range s.conns {
		c.wake()
	}
}

// abortConns answers the calls still running on every connection.
func (s *Server) abortConns() {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
}

func (s *Server) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.close()
	}
}

// dispatch is the bottom of the stack: it calls the handler of the
// method the request was routed to. A call a layer made itself, with no
// route, is routed by its service and method names.
type dispatch struct{ s *Server }

func (d *dispatch) Call(ctx context.Context, call *thrift.Call) (thrift.Struct, error) {
	desc, impl := call.Desc, bind.Get(call)
	if desc == nil || impl == nil {
		r := d.s.lookup(call.Service, []byte(call.Method))
		if r == nil {
			return nil, thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "unknown method "+call.Method)
		}
		desc, impl = r.desc, r.impl
	}
	res, err := desc.Handler(ctx, impl, call.Args)
	if err == nil {
		// A declared exception is a failure to the layers above, though
		// it goes back as the result's field.
		err = thrift.ExceptionOf(res)
	}
	return res, err
}

// Describe names the dispatch in stack descriptions.
func (d *dispatch) Describe() string { return "handler" }
