package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/transport"
	"github.com/govolo/volo/volo/internal/registration"
)

// errShutdownDeadline is the cause of the handlers' contexts, and the
// status sent, when a graceful shutdown runs out of time.
var errShutdownDeadline error = volo.NewError(volo.CodeUnavailable, errors.New("volo: server shut down before the call finished"))

// Errors of RegisterService and Serve.
var (
	// ErrInvalidService means a service description cannot be served: it
	// is nil, has no name, or a method lacks a name, NewRequest or Handler,
	// or is listed twice.
	ErrInvalidService = errors.New("volo: invalid service description")
	// ErrDuplicateService means a service of that name is registered
	// already.
	ErrDuplicateService = errors.New("volo: service registered twice")
	// ErrImplementation means the implementation does not satisfy the
	// service's handler interface (ServiceDesc.HandlerType).
	ErrImplementation = errors.New("volo: implementation does not satisfy the service's interface")
	// ErrUnregistrableAddr is returned by Serve when WithRegistry has no
	// address and the listener's is not one peers can dial.
	ErrUnregistrableAddr = errors.New("volo: listener address cannot be registered")
)

// Server serves gRPC services over HTTP/2: h2c, or TLS with ALPN.
// Register services, then call Serve with one or more listeners.
type Server struct {
	cfg     config
	stack   grpc.Service
	streams grpc.ServerStreamService

	routes   sync.RWMutex
	services map[string]*grpc.ServiceDesc
	methods  map[string]*route // "/service/method"

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*transport.ServerConn]struct{}
	pending   int              // accepted, still in the handshake
	regs      registration.Set // what Serve registered, to deregister
	closing   atomic.Bool
	wg        sync.WaitGroup

	baseCtx context.Context
	cancel  context.CancelCauseFunc
}

type route struct {
	service string
	desc    *grpc.MethodDesc // unary
	stream  *grpc.StreamDesc // streaming
	impl    any
}

// New returns a server with its middleware stack built. It fails only if
// the stack cannot be built, with a *motore.BuildError.
func New(opts ...Option) (*Server, error) {
	s := &Server{
		cfg:       newConfig(opts),
		services:  make(map[string]*grpc.ServiceDesc),
		methods:   make(map[string]*route),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*transport.ServerConn]struct{}),
	}
	stack, err := motore.Build[*grpc.Call](grpc.Service(&dispatch{s: s}), s.cfg.middleware...)
	if err != nil {
		return nil, err
	}
	s.stack = stack
	streams, err := motore.Build[*grpc.Call](grpc.ServerStreamService(&streamDispatch{s: s}), s.cfg.streamMW...)
	if err != nil {
		return nil, err
	}
	s.streams = streams
	s.baseCtx, s.cancel = context.WithCancelCause(context.Background())
	s.regs = registration.Set{Registry: s.cfg.registry, Service: s.cfg.regService, Instance: s.cfg.regInstance,
		Unregistrable: ErrUnregistrableAddr, Logger: s.cfg.logger}
	return s, nil
}

// Describe returns the server's unary stack, outermost layer first,
// ending with the handler dispatch.
func (s *Server) Describe() string { return motore.Describe(s.stack) }

// RegisterService adds a service whose methods are called on impl.
// Generated code wraps it in a typed Register<Service>(srv, impl); this
// method checks impl against desc.HandlerType at run time
// ([ErrImplementation]). It fails with [ErrInvalidService] for an
// incomplete description, [ErrDuplicateService] for a name registered
// already, and volo.ErrServerClosed once Shutdown or Close began.
func (s *Server) RegisterService(desc *grpc.ServiceDesc, impl any) error {
	if err := checkService(desc, impl); err != nil {
		return err
	}
	if s.closing.Load() {
		return volo.ErrServerClosed
	}
	s.routes.Lock()
	defer s.routes.Unlock()
	if _, dup := s.services[desc.Name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateService, desc.Name)
	}
	s.services[desc.Name] = desc
	for _, m := range desc.Methods {
		s.methods["/"+desc.Name+"/"+m.Name] = &route{service: desc.Name, desc: m, impl: impl}
	}
	for _, m := range desc.Streams {
		s.methods["/"+desc.Name+"/"+m.Name] = &route{service: desc.Name, stream: m, impl: impl}
	}
	return nil
}

// Services returns the registered service descriptions, for reflection
// and health services.
func (s *Server) Services() []*grpc.ServiceDesc {
	s.routes.RLock()
	defer s.routes.RUnlock()
	out := make([]*grpc.ServiceDesc, 0, len(s.services))
	for _, d := range s.services {
		out = append(out, d)
	}
	return out
}

func checkService(desc *grpc.ServiceDesc, impl any) error {
	if desc == nil || desc.Name == "" {
		return fmt.Errorf("%w: nil description or no name", ErrInvalidService)
	}
	seen := make(map[string]bool, len(desc.Methods)+len(desc.Streams))
	for i, m := range desc.Streams {
		switch {
		case m == nil:
			return fmt.Errorf("%w: %s: stream %d is nil", ErrInvalidService, desc.Name, i)
		case m.Name == "":
			return fmt.Errorf("%w: %s: stream %d has no name", ErrInvalidService, desc.Name, i)
		case seen[m.Name]:
			return fmt.Errorf("%w: %s: method %s is listed twice", ErrInvalidService, desc.Name, m.Name)
		case m.Handler == nil:
			return fmt.Errorf("%w: method %s.%s has no Handler", ErrInvalidService, desc.Name, m.Name)
		case m.Kind < grpc.ServerStreaming || m.Kind > grpc.BidiStreaming:
			return fmt.Errorf("%w: method %s.%s has stream kind %d", ErrInvalidService, desc.Name, m.Name, m.Kind)
		}
		seen[m.Name] = true
	}
	for i, m := range desc.Methods {
		switch {
		case m == nil:
			return fmt.Errorf("%w: %s: method %d is nil", ErrInvalidService, desc.Name, i)
		case m.Name == "":
			return fmt.Errorf("%w: %s: method %d has no name", ErrInvalidService, desc.Name, i)
		case seen[m.Name]:
			return fmt.Errorf("%w: %s: method %s is listed twice", ErrInvalidService, desc.Name, m.Name)
		case m.NewRequest == nil || m.Handler == nil:
			return fmt.Errorf("%w: method %s.%s has no NewRequest or Handler", ErrInvalidService, desc.Name, m.Name)
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

func (s *Server) lookup(path string) *route {
	s.routes.RLock()
	defer s.routes.RUnlock()
	return s.methods[path]
}

func (s *Server) hasService(name string) bool {
	s.routes.RLock()
	defer s.routes.RUnlock()
	_, ok := s.services[name]
	return ok
}

// Serve accepts connections on ln and serves each on goroutines of its
// own, until Shutdown or Close, when it returns volo.ErrServerClosed.
// Accept errors other than a closed listener are retried after a back-off
// of up to a second.
func (s *Server) Serve(ln net.Listener) error {
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
	if s.cfg.registry != nil {
		if err := s.regs.Add(s.baseCtx, ln, s.closing.Load); err != nil {
			s.mu.Lock()
			delete(s.listeners, ln)
			s.mu.Unlock()
			ln.Close()
			if s.closing.Load() {
				return volo.ErrServerClosed
			}
			return err
		}
	}
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return volo.ErrServerClosed
			}
			if !errors.Is(err, net.ErrClosed) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.cfg.logger.Warn("volo: accept failed, retrying", "err", err, "in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		s.mu.Lock()
		if s.closing.Load() || s.cfg.maxConns > 0 && len(s.conns)+s.pending >= s.cfg.maxConns {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.pending++
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(nc)
	}
}

// serveConn does the handshake and starts the connection, which leaves
// the server's WaitGroup when its last goroutine ends: an idle connection
// holds no goroutine of the server's own.
func (s *Server) serveConn(nc net.Conn) {
	sc, err := s.handshake(nc)
	s.mu.Lock()
	s.pending--
	if err == nil && s.closing.Load() {
		err = volo.ErrServerClosed
	}
	if err != nil {
		s.mu.Unlock()
		nc.Close()
		s.wg.Done()
		if !errors.Is(err, volo.ErrServerClosed) && !errors.Is(err, io.EOF) {
			s.cfg.logger.Debug("volo: grpc handshake failed", "remote", nc.RemoteAddr().String(), "err", err)
		}
		return
	}
	var c *transport.ServerConn
	ready := make(chan struct{})
	c = transport.NewServerConn(s.baseCtx, sc, s.cfg.t, s.handleStream, s.isStreaming, func() {
		<-ready // c is assigned and in s.conns
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		s.wg.Done()
	})
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	close(ready)
}

// handshake does TLS (with ALPN h2) if configured and reads the client
// preface, within the handshake timeout.
func (s *Server) handshake(nc net.Conn) (net.Conn, error) {
	nc.SetDeadline(time.Now().Add(s.cfg.handshake))
	if s.cfg.tls != nil {
		tc := tls.Server(nc, s.cfg.tls)
		if err := tc.Handshake(); err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
			return nil, fmt.Errorf("client negotiated %q, not h2", p)
		}
		nc = tc
	}
	var pre [len(transport.ClientPreface)]byte
	if _, err := io.ReadFull(nc, pre[:]); err != nil {
		return nil, fmt.Errorf("reading the HTTP/2 preface: %w", err)
	}
	if string(pre[:]) != transport.ClientPreface {
		return nil, fmt.Errorf("not an HTTP/2 client preface: %q", pre[:])
	}
	nc.SetDeadline(time.Time{})
	return nc, nil
}

func (s *Server) beginClose() []*transport.ServerConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing.Store(true)
	for ln := range s.listeners {
		ln.Close()
		delete(s.listeners, ln)
	}
	conns := make([]*transport.ServerConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	return conns
}

// Shutdown stops the server gracefully: it stops accepting, deregisters
// (WithRegistry), sends every connection GOAWAY (then, once the client
// answers a ping or after a second, a second GOAWAY naming the last call
// taken), lets the calls in flight finish, and closes each connection when
// its last call ends. If ctx ends first, each call still running is
// answered at once with unavailable "volo: server shut down before the
// call finished" (its handler's late result is dropped), the handlers'
// contexts are cancelled with that cause, the connections are closed, and
// Shutdown returns ctx's error once the handlers have returned. Unlike
// grpc-go's GracefulStop, it is bounded by ctx (a handler that ignores its
// context holds it until it returns).
func (s *Server) Shutdown(ctx context.Context) error {
	conns := s.beginClose()
	s.regs.Remove(ctx)
	for _, c := range conns {
		c.Drain()
	}
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
		st := grpc.StatusOf(errShutdownDeadline)
		for _, c := range s.beginClose() {
			c.Abort(st, errShutdownDeadline)
		}
		s.cancel(errShutdownDeadline)
		<-done
		return ctx.Err()
	}
}

// Close stops the server at once: listeners and connections are closed,
// handlers' contexts cancelled. It returns when every goroutine the server
// started has ended.
func (s *Server) Close() error {
	conns := s.beginClose()
	ctx, cancel := context.WithTimeout(context.Background(), registration.Timeout)
	s.regs.Remove(ctx)
	cancel()
	s.cancel(volo.ErrServerClosed)
	for _, c := range conns {
		c.Close()
	}
	s.wg.Wait()
	return nil
}
