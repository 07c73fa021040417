package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"sync"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/internal/biz"
)

// Client calls the methods of one Thrift service, over pooled connections
// (each carries one call at a time; a client opens as many as there are
// calls at once, up to WithMaxConnsPerAddr) or multiplexed ones
// (WithMultiplexing, many calls at once on each). It is safe for concurrent use.
type Client struct {
	service string
	stack   thrift.Service
	t       *transport
}

// New returns a client of the IDL service named service (sent as
// TTHeader's "isn" key, for routing), with its middleware stack built over
// the transport. It fails with [ErrInvalidService] for an empty name, and
// with a *motore.BuildError if the stack cannot be built.
func New(service string, opts ...Option) (*Client, error) {
	if service == "" {
		return nil, fmt.Errorf("%w: empty service name", ErrInvalidService)
	}
	t := &transport{cfg: newConfig(opts), pools: make(map[string]*pool), muxPools: make(map[string]*muxPool)}
	mws := make([]thrift.Middleware, 0, len(t.cfg.middleware)+len(t.cfg.retry)+2+len(t.cfg.perInstance))
	mws = append(mws, t.cfg.middleware...)
	if t.cfg.balancer != nil && len(t.cfg.retry) > 0 {
		mws = append(mws, triedLayer)
	}
	mws = append(mws, t.cfg.retry...)
	if t.cfg.balancer != nil {
		mws = append(mws, balance(t.cfg.balancer, t.cfg.balanceKey))
	}
	mws = append(mws, t.cfg.perInstance...)
	stack, err := motore.Build[*thrift.Call, thrift.Struct](t, mws...)
	if err != nil {
		return nil, err
	}
	return &Client{service: service, stack: stack, t: t}, nil
}

// triedLayer gives the attempts of a call that the retry layers under it
// make one discovery.WithTried context, so that the balancer sends each to
// an instance the call has not tried yet.
var triedLayer thrift.Middleware = motore.LayerFn(func(next thrift.Service) thrift.Service {
	return &tried{next: next}
})

type tried struct{ next thrift.Service }

func (s *tried) Call(ctx context.Context, call *thrift.Call) (thrift.Struct, error) {
	return s.next.Call(discovery.WithTried(ctx), call)
}

// Describe names the layer in stack descriptions.
func (s *tried) Describe() string { return "avoid-tried-instances" }

func (s *tried) Unwrap() any { return s.next }

// balance is discovery's LoadBalance layer, skipped by a call that names
// its own address.
func balance(b *discovery.Balancer, key func(context.Context, *thrift.Call) string) thrift.Middleware {
	lb := discovery.LoadBalance[*thrift.Call, thrift.Struct](b, key)
	return motore.LayerFn(func(next thrift.Service) thrift.Service {
		return &balanced{lb: lb.Layer(next), next: next}
	})
}

type balanced struct {
	lb, next thrift.Service
}

func (s *balanced) Call(ctx context.Context, call *thrift.Call) (thrift.Struct, error) {
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

// Call calls the method m describes with args and decodes the reply into
// result (nil for a oneway method, whose call returns once the request is
// written), through the client's stack. Generated clients call it; a
// declared exception the server sent is returned as the error, as the
// exception's own type (errors.As). Other errors match, with errors.Is:
// volo.ErrTimeout, volo.ErrConnection, volo.ErrProtocol,
// volo.ErrNoAddress, volo.ErrClosed, [ErrInvalidCall] and volo.ErrBiz (a
// *volo.BizError); an exception the server sent is a
// *thrift.ApplicationException (errors.As), and volo.CodeOf reads the
// code of each.
//
// The context's persistent and transient metainfo is sent (TTHeader only);
// backward values the server sends are stored in the receiver
// metainfo.WithBackwardValues put in the context.
func (c *Client) Call(ctx context.Context, m *thrift.MethodDesc, args, result thrift.Struct, opts ...CallOption) error {
	if m == nil {
		return fmt.Errorf("%w: no method", ErrInvalidCall)
	}
	call := &thrift.Call{Service: c.service, Method: m.Name, Desc: m, Args: args, Result: result}
	for _, o := range opts {
		o.applyCall(call)
	}
	res, err := c.stack.Call(ctx, call)
	if res != nil && result != nil && otherStruct(res, result) {
		// A layer answered with a result of its own (a hedge's, on a
		// CloneCall): the caller reads the one it passed.
		if cerr := copyStruct(result, res); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// otherStruct reports whether res is a struct other than result, both
// pointers, as generated code's are: comparing other kinds could panic.
func otherStruct(res, result thrift.Struct) bool {
	if reflect.TypeOf(res).Kind() != reflect.Pointer || reflect.TypeOf(result).Kind() != reflect.Pointer {
		return false
	}
	return res != result
}

// copyStruct copies src into dst, a fresh struct of the same type, through
// the binary protocol.
func copyStruct(dst, src thrift.Struct) error {
	b := src.AppendThrift(make([]byte, 0, src.ThriftSize()))
	if err := thrift.NewDecoder(b).Decode(dst); err != nil {
		return fmt.Errorf("%w: copying the result of another attempt: %w", volo.ErrProtocol, err)
	}
	return nil
}

// CloneCall returns a copy of call with a result struct of its own (from
// the method's descriptor), for another attempt of the call to use while
// the first runs: what a hedging layer needs (ext/retry's Requests.Clone). The
// client copies the result of the attempt that answers into the caller's
// (see [WithRetry]). Args are shared: the transport only reads them.
func CloneCall(call *thrift.Call) *thrift.Call {
	c := *call
	if call.Result != nil && call.Desc != nil && call.Desc.NewResult != nil {
		c.Result = call.Desc.NewResult()
	}
	return &c
}

// Stack returns the built stack, for middleware that wants to call it
// with a Call of its own, and for motore.Describe.
func (c *Client) Stack() thrift.Service { return c.stack }

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

// ErrInvalidCall means a call cannot be made as given: no method
// descriptor, no args struct, or no result struct for a method that is
// not oneway.
var ErrInvalidCall = errors.New("volo: invalid call")

// ErrInvalidService means [New] was given no service name to call.
var ErrInvalidService = errors.New("volo: invalid service name")

// errNotSent marks the failure to make a connection: the request was not
// sent, so errors.Is matches discovery.ErrConnection too and a load
// balancer may retry the call on another instance.
var errNotSent error = notSent{"request not sent"}

// errNotRun marks a call the server did not run: it refused the request
// while shutting down (an exception with not_run), or it ended a
// connection it was draining before it read the request. Like errNotSent,
// it makes the call safe to send again.
var errNotRun error = notSent{"the server did not run the call"}

type notSent struct{ msg string }

func (e notSent) Error() string      { return e.msg }
func (notSent) Is(target error) bool { return target == discovery.ErrConnection }

// NotSent reports true, for retry layers that read it without importing
// ext/discovery (ext/retry retries such a call whatever its method does).
func (notSent) NotSent() bool { return true }

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
func (t *transport) Call(ctx context.Context, call *thrift.Call) (thrift.Struct, error) {
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
	if call.Args == nil || call.Result == nil && !call.Oneway() {
		return nil, fmt.Errorf("%w: %s without an args or result struct", ErrInvalidCall, call.Method)
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
	pc, err := p.acquire(ctx, &t.cfg, addr, deadline)
	if err != nil {
		return nil, err
	}
	keep, err := t.roundTrip(ctx, pc, call, deadline, hasDeadline)
	if keep {
		p.put(pc, &t.cfg)
	} else {
		p.discard(pc)
	}
	return reply(call, err)
}

// reply is what the transport returns for a call that ended with err: a
// declared exception comes with its result, so that layers see both the
// failure and what the server sent.
func reply(call *thrift.Call, err error) (thrift.Struct, error) {
	if err == nil {
		return call.Result, nil
	}
	if ex := thrift.ExceptionOf(call.Result); ex != nil && ex == err {
		return call.Result, err
	}
	return nil, err
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
func (t *transport) callMux(ctx context.Context, addr string, call *thrift.Call, deadline time.Time, hasDeadline bool) (thrift.Struct, error) {
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
		return reply(call, err)
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
func (t *transport) roundTrip(ctx context.Context, pc *pconn, call *thrift.Call, deadline time.Time, hasDeadline bool) (keep bool, err error) {
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
	if call.Oneway() {
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
func (t *transport) appendRequest(ctx context.Context, b []byte, h *frame.Header, info map[string]string, call *thrift.Call, seq int32, deadline time.Time, hasDeadline bool) ([]byte, error) {
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
	typ := thrift.MessageCall
	if call.Oneway() {
		typ = thrift.MessageOneway
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
func (t *transport) decodeReply(ctx context.Context, d *thrift.Decoder, f *frame.Frame, call *thrift.Call, seq int32, deadline time.Time, hasDeadline bool) (reset, broken bool, err error) {
	name, typ, rseq, err := thrift.DecodeMessageView(d, call.Result)
	ae := appException(err)
	switch {
	case ae != nil:
	case err != nil:
		return false, true, fmt.Errorf("%w: decoding the reply to %s: %w", volo.ErrProtocol, call.Method, err)
	case typ != thrift.MessageReply:
		return false, true, fmt.Errorf("%w: a %s message in reply to %s", volo.ErrProtocol, typ, call.Method)
	case rseq != seq || string(name) != call.Method:
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
		if ae.NotRun {
			// The server is shutting down and refused the call before
			// running it: another instance may take it, and this
			// connection takes no more.
			reset = true
			err = fmt.Errorf("%w: %s: %w: %w", volo.ErrConnection, call.Method, errNotRun, ae)
		}
	}
	if err == nil {
		if err = thrift.ExceptionOf(call.Result); err != nil {
			// A declared exception is the server's answer, in time.
			return reset, false, err
		}
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

// appException returns the *thrift.ApplicationException in err's chain, or
// nil. A reply that decoded costs nothing: the target errors.As needs
// lives on the heap, and only here.
func appException(err error) *thrift.ApplicationException {
	if err == nil {
		return nil
	}
	var ae *thrift.ApplicationException
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}
