package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/frame"
	"github.com/govolo/volo/volo/internal/biz"
	"github.com/govolo/volo/volo/thrift"
)

// Client calls the methods of one Thrift service over pooled connections,
// one call per connection at a time. It is safe for concurrent use.
type Client struct {
	service string
	stack   volo.Service
	t       *transport
}

// New returns a client of the IDL service named service (sent as
// TTHeader's "isn" key, for routing), with its middleware stack built over
// the transport. It fails only if the stack cannot be built, with a
// *motore.BuildError.
func New(service string, opts ...Option) (*Client, error) {
	t := &transport{cfg: newConfig(opts), pools: make(map[string]*pool), muxPools: make(map[string]*muxPool)}
	mws := make([]volo.Middleware, 0, len(t.cfg.middleware)+1+len(t.cfg.perInstance))
	mws = append(mws, t.cfg.middleware...)
	if t.cfg.balancer != nil {
		mws = append(mws, balance(t.cfg.balancer, t.cfg.balanceKey))
	}
	mws = append(mws, t.cfg.perInstance...)
	stack, err := motore.Build[*volo.Call, thrift.Struct](t, mws...)
	if err != nil {
		return nil, err
	}
	return &Client{service: service, stack: stack, t: t}, nil
}

// balance is discovery's LoadBalance layer, skipped by a call that names
// its own address.
func balance(b *discovery.Balancer, key func(context.Context, *volo.Call) string) volo.Middleware {
	lb := discovery.LoadBalance[*volo.Call, thrift.Struct](b, key)
	return motore.LayerFn(func(next volo.Service) volo.Service {
		return &balanced{lb: lb.Layer(next), next: next}
	})
}

type balanced struct {
	lb, next volo.Service
}

func (s *balanced) Call(ctx context.Context, call *volo.Call) (thrift.Struct, error) {
	if call.Addr != "" {
		return s.next.Call(ctx, call)
	}
	return s.lb.Call(ctx, call)
}

// Describe is the load balancer's own description; Unwrap leads the
// description on to the layers under it.
func (s *balanced) Describe() string {
	if d, ok := s.lb.(interface{ Describe() string }); ok {
		return d.Describe()
	}
	return "loadbalance"
}

func (s *balanced) Unwrap() any { return s.next }

// Call calls method with args and decodes the reply into result, through
// the client's stack. Errors match, with errors.Is: volo.ErrTimeout,
// volo.ErrConnection, volo.ErrProtocol, volo.ErrNoAddress, volo.ErrClosed
// and volo.ErrBiz (a *volo.BizError); an exception the server sent is a
// *thrift.ApplicationException (errors.As).
//
// The context's persistent and transient metainfo is sent (TTHeader only);
// backward values the server sends are stored in the receiver
// metainfo.WithBackwardValues put in the context.
func (c *Client) Call(ctx context.Context, method string, args, result thrift.Struct, opts ...CallOption) error {
	call := &volo.Call{Service: c.service, Method: method, Args: args, Result: result}
	for _, o := range opts {
		o.applyCall(call)
	}
	_, err := c.stack.Call(ctx, call)
	return err
}

// Stack returns the built stack, for middleware that wants to call it
// with a Call of its own, and for motore.Describe.
func (c *Client) Stack() volo.Service { return c.stack }

// Describe returns the client's stack, outermost layer first, ending with
// the transport.
func (c *Client) Describe() string { return motore.Describe(c.stack) }

// Close closes the idle connections; connections in use are closed when
// their calls end. Calls made after Close fail with volo.ErrClosed.
func (c *Client) Close() error {
	c.t.mu.Lock()
	pools, muxPools := c.t.pools, c.t.muxPools
	c.t.pools, c.t.muxPools, c.t.closed = nil, nil, true
	c.t.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	for _, p := range muxPools {
		p.close()
	}
	return nil
}

// errNotSent marks the failure to make a connection: the request was not
// sent, so errors.Is matches discovery.ErrConnection too and a load
// balancer may retry the call on another instance.
var errNotSent error = notSent{}

type notSent struct{}

func (notSent) Error() string        { return "request not sent" }
func (notSent) Is(target error) bool { return target == discovery.ErrConnection }

// transport is the bottom of a client's stack.
type transport struct {
	cfg      config
	mu       sync.Mutex
	pools    map[string]*pool
	muxPools map[string]*muxPool
	closed   bool
}

// Describe names the transport in stack descriptions.
func (t *transport) Describe() string {
	return "transport(" + t.cfg.framing.String() + ")"
}

func (t *transport) pool(addr string) (*pool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, volo.ErrClosed
	}
	p := t.pools[addr]
	if p == nil {
		p = &pool{}
		t.pools[addr] = p
	}
	return p, nil
}

// Call sends one request and reads its reply.
func (t *transport) Call(ctx context.Context, call *volo.Call) (thrift.Struct, error) {
	// The call's own address, else the instance a discovery.LoadBalance
	// layer picked (looked for only when there may be one), else the
	// client's address.
	addr := call.Addr
	if addr == "" && (t.cfg.balancer != nil || t.cfg.addr == "") {
		if in, ok := discovery.InstanceFromContext(ctx); ok {
			addr = in.Addr
		}
	}
	if addr == "" {
		addr = t.cfg.addr
	}
	if addr == "" {
		return nil, volo.ErrNoAddress
	}
	if call.Args == nil || call.Result == nil && !call.Oneway {
		return nil, fmt.Errorf("volo: call to %s without an args or result struct", call.Method)
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError(ctx)
	}
	deadline, hasDeadline := ctx.Deadline()
	if !hasDeadline {
		// Zero when there is none, as dial expects.
		deadline = time.Time{}
	}
	if t.cfg.rpcTimeout > 0 {
		if d := time.Now().Add(t.cfg.rpcTimeout); !hasDeadline || d.Before(deadline) {
			deadline, hasDeadline = d, true
		}
	}
	if t.cfg.muxConns > 0 {
		return t.callMux(ctx, addr, call, deadline, hasDeadline)
	}
	p, err := t.pool(addr)
	if err != nil {
		return nil, err
	}
	pc := p.get(&t.cfg)
	if pc == nil {
		if pc, err = dial(ctx, &t.cfg, addr, deadline); err != nil {
			return nil, dialError(ctx, addr, err)
		}
	}
	keep, err := t.roundTrip(ctx, pc, call, deadline, hasDeadline)
	if keep {
		p.put(pc, &t.cfg)
	} else {
		pc.nc.Close()
	}
	if err != nil {
		return nil, err
	}
	return call.Result, nil
}

// dialError classifies a failure to connect: the request was not sent.
// A cancelled call is reported as such, as ioError does, not as a timeout.
func dialError(ctx context.Context, addr string, err error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("volo: call canceled while connecting to %s: %w: %w", addr, errNotSent, context.Cause(ctx))
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Errorf("%w: connecting to %s: %w: %w", volo.ErrTimeout, addr, errNotSent, err)
	}
	return fmt.Errorf("%w: connecting to %s: %w: %w", volo.ErrConnection, addr, errNotSent, err)
}

// callMux sends call on a multiplexed connection to addr. A connection that
// dies or drains before the call is sent on it is replaced, a few times at
// most.
func (t *transport) callMux(ctx context.Context, addr string, call *volo.Call, deadline time.Time, hasDeadline bool) (thrift.Struct, error) {
	mp, err := t.muxPool(addr)
	if err != nil {
		return nil, err
	}
	for range 3 {
		mc, err := mp.get(ctx, t, addr, t.cfg.muxConns, deadline)
		switch {
		case errors.Is(err, volo.ErrClosed):
			return nil, err
		case err != nil:
			// The dial failed, or ctx ended while another call's dial ran.
			return nil, dialError(ctx, addr, err)
		}
		err = mc.roundTrip(ctx, call, deadline, hasDeadline)
		if err == errUnusable {
			continue
		}
		if err != nil {
			return nil, err
		}
		return call.Result, nil
	}
	return nil, fmt.Errorf("%w: %s: %w: %w", volo.ErrConnection, addr, errNotSent, errUnusable)
}

// muxPool returns the multiplexed connections to addr.
func (t *transport) muxPool(addr string) (*muxPool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, volo.ErrClosed
	}
	p := t.muxPools[addr]
	if p == nil {
		p = &muxPool{}
		t.muxPools[addr] = p
	}
	return p, nil
}

// roundTrip writes the request and reads the reply on pc. keep says
// whether pc can be reused.
func (t *transport) roundTrip(ctx context.Context, pc *pconn, call *volo.Call, deadline time.Time, hasDeadline bool) (keep bool, err error) {
	pc.seq++
	seq := pc.seq
	buf := frame.GetBuffer()
	defer buf.Free()
	if buf.B, err = t.appendRequest(ctx, buf.B, &pc.header, pc.info, call, seq, deadline, hasDeadline); err != nil {
		return true, err
	}
	pc.nc.SetDeadline(t.ioDeadline(deadline, hasDeadline))
	if ctx.Done() != nil {
		// A cancellation without a deadline must still interrupt the
		// read. If it fired, even after the reply was read, its past
		// deadline may land at any moment: the connection is not reused.
		stop := context.AfterFunc(ctx, func() { pc.nc.SetDeadline(time.Unix(1, 0)) })
		defer func() {
			if !stop() {
				keep = false
			}
		}()
	}
	if _, err = pc.nc.Write(buf.B); err != nil {
		return false, t.ioError(ctx, "writing the request", err)
	}
	if call.Oneway {
		return true, nil
	}
	var f frame.Frame
	if err := pc.fr.Next(&f); err != nil {
		return false, t.ioError(ctx, "reading the reply", err)
	}
	pc.d.Reset(f.Payload)
	reset, broken, err := t.decodeReply(ctx, pc.d, &f, call, seq, deadline, hasDeadline)
	return !reset && !broken, err
}

// appendRequest appends call's request frame, with sequence id seq, to b.
// For TTHeader it fills h and info (cleared first), which the caller
// provides so that they can be reused.
func (t *transport) appendRequest(ctx context.Context, b []byte, h *frame.Header, info map[string]string, call *volo.Call, seq int32, deadline time.Time, hasDeadline bool) ([]byte, error) {
	var hp *frame.Header
	if t.cfg.framing == frame.TTHeader || t.cfg.framing == frame.TTHeaderFramed {
		clear(info)
		info[frame.KeyIDLServiceName] = call.Service
		if err := t.cfg.codec.ToMap(ctx, info); err != nil {
			return b, err
		}
		*h = frame.Header{
			SeqID:       seq,
			FromService: t.cfg.from,
			ToService:   call.Service,
			ToMethod:    call.Method,
			StrInfo:     info,
		}
		if hasDeadline {
			// The frame rounds it up to the wire's milliseconds, so that
			// the server never gives up before the caller does, and clamps
			// one too far off to express; rounding here could overflow. A
			// deadline already passed is sent as the least timeout.
			h.RPCTimeout = max(time.Until(deadline), time.Nanosecond)
		}
		hp = h
	}
	typ := thrift.Call
	if call.Oneway {
		typ = thrift.Oneway
	}
	out, err := frame.AppendMessage(b, t.cfg.framing, hp, call.Method, typ, seq, call.Args)
	if err != nil {
		return b, fmt.Errorf("volo: cannot encode the request: %w", err)
	}
	return out, nil
}

// ioDeadline is the deadline for a call's reads and writes: the call's, or
// the read-write timeout from now when that is earlier.
func (t *transport) ioDeadline(deadline time.Time, hasDeadline bool) time.Time {
	if rw := time.Now().Add(t.cfg.rwTimeout); t.cfg.rwTimeout > 0 && (!hasDeadline || rw.Before(deadline)) {
		return rw
	}
	if !hasDeadline {
		return time.Time{}
	}
	return deadline
}

// decodeReply decodes the reply frame f, already loaded into d, to the
// call with sequence id seq. reset says the server asked to drop the
// connection (crrst); broken says the reply is not one to this call, so the
// stream cannot be trusted.
func (t *transport) decodeReply(ctx context.Context, d *thrift.Decoder, f *frame.Frame, call *volo.Call, seq int32, deadline time.Time, hasDeadline bool) (reset, broken bool, err error) {
	name, _, rseq, err := thrift.DecodeMessage(d, call.Result)
	var ae *thrift.ApplicationException
	switch {
	case errors.As(err, &ae):
	case err != nil:
		return false, true, fmt.Errorf("%w: decoding the reply to %s: %w", volo.ErrProtocol, call.Method, err)
	case rseq != seq || name != call.Method:
		return false, true, fmt.Errorf("%w: reply %s#%d to call %s#%d", volo.ErrProtocol, name, rseq, call.Method, seq)
	}
	reset = f.Header.StrInfo[frame.KeyConnReset] != ""
	if len(f.Header.StrInfo) > 0 {
		if be := biz.FromMap(f.Header.StrInfo); be != nil && err == nil {
			err = be
		}
		for _, k := range []string{frame.KeyConnReset, frame.KeyBizStatus, frame.KeyBizMessage, frame.KeyBizExtra, frame.KeyIDLServiceName, frame.KeyRemoteIP} {
			delete(f.Header.StrInfo, k)
		}
		if berr := t.cfg.codec.BackwardFromMap(ctx, f.Header.StrInfo); berr != nil && err == nil {
			err = fmt.Errorf("%w: backward metainfo: %w", volo.ErrProtocol, berr)
		}
	}
	if ae != nil {
		err = ae
	}
	if err != nil && (errors.Is(ctx.Err(), context.DeadlineExceeded) || hasDeadline && !time.Now().Before(deadline)) {
		// The server gave up at the same deadline: the caller ran out of
		// time, whatever the reply says.
		err = fmt.Errorf("%w: %w", volo.ErrTimeout, err)
	}
	return reset, false, err
}

// ioError classifies a failed read or write.
func (t *transport) ioError(ctx context.Context, doing string, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("volo: call canceled while %s: %w", doing, context.Cause(ctx))
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %s: %w", volo.ErrTimeout, doing, context.Cause(ctx))
	case isTimeout(err):
		return fmt.Errorf("%w: %s: %w", volo.ErrTimeout, doing, err)
	case errors.Is(err, frame.ErrMalformed), errors.Is(err, frame.ErrTooLarge), errors.Is(err, frame.ErrUnsupported):
		return fmt.Errorf("%w: %s: %w", volo.ErrProtocol, doing, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, frame.ErrTruncated):
		return fmt.Errorf("%w: %s: connection closed by the peer: %w", volo.ErrConnection, doing, err)
	}
	return fmt.Errorf("%w: %s: %w", volo.ErrConnection, doing, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ctxError is the error of a call whose context ended before it started.
func ctxError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", volo.ErrTimeout, ctx.Err())
	}
	return ctx.Err()
}
