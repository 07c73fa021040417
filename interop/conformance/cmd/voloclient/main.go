// Command voloclient is the conformance runner's client under test: volo's
// gRPC client calling connectrpc.conformance.v1.ConformanceService. It reads
// ClientCompatRequests from stdin until it closes, makes each call on a
// client of its own, and writes a ClientCompatResponse per request to
// stdout, in the order the calls end.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	conformancev1 "github.com/govolo/volo/interop/conformance/gen/connectrpc/conformance/v1"
	"github.com/govolo/volo/interop/conformance/internal/wire"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
)

// parallel bounds the calls in flight.
const parallel = 16

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "voloclient:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		werr error
	)
	sem := make(chan struct{}, parallel)
	defer wg.Wait()
	for {
		req := new(conformancev1.ClientCompatRequest)
		if err := wire.Read(in, req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			resp := &conformancev1.ClientCompatResponse{TestName: req.GetTestName()}
			if res, err := invoke(req); err != nil {
				resp.Result = &conformancev1.ClientCompatResponse_Error{Error: &conformancev1.ClientErrorResult{Message: err.Error()}}
			} else {
				resp.Result = &conformancev1.ClientCompatResponse_Response{Response: res}
			}
			mu.Lock()
			defer mu.Unlock()
			if err := wire.Write(out, resp); err != nil && werr == nil {
				werr = err
			}
		})
		mu.Lock()
		err := werr
		mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// invoke makes the call req describes. An error means the call could not
// be made as described; the call's own error is in the result.
func invoke(req *conformancev1.ClientCompatRequest) (*conformancev1.ClientResponseResult, error) {
	switch {
	case req.GetProtocol() != conformancev1.Protocol_PROTOCOL_GRPC:
		return nil, fmt.Errorf("protocol %v is not supported", req.GetProtocol())
	case req.GetHttpVersion() != conformancev1.HTTPVersion_HTTP_VERSION_2:
		return nil, fmt.Errorf("HTTP version %v is not supported", req.GetHttpVersion())
	case req.GetCodec() != conformancev1.Codec_CODEC_PROTO:
		return nil, fmt.Errorf("codec %v is not supported", req.GetCodec())
	case req.GetService() != "connectrpc.conformance.v1.ConformanceService":
		return nil, fmt.Errorf("service %s is not known", req.GetService())
	}
	opts := []client.Option{
		client.WithAddress(net.JoinHostPort(req.GetHost(), strconv.FormatUint(uint64(req.GetPort()), 10))),
		client.WithMaxRecvMsgSize(int(req.GetMessageReceiveLimit())),
	}
	if len(req.GetServerTlsCert()) > 0 {
		cfg, err := wire.ClientTLS(req.GetServerTlsCert(), req.GetClientTlsCreds())
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.WithTLS(cfg))
	}
	switch req.GetCompression() {
	case conformancev1.Compression_COMPRESSION_IDENTITY, conformancev1.Compression_COMPRESSION_UNSPECIFIED:
	case conformancev1.Compression_COMPRESSION_GZIP:
		opts = append(opts, client.WithCompression("gzip"))
	default:
		return nil, fmt.Errorf("compression %v is not supported", req.GetCompression())
	}
	c, err := conformancev1.NewConformanceServiceClient(opts...)
	if err != nil {
		return nil, err
	}
	defer c.Close()

	ctx := grpc.WithOutgoingMetadata(context.Background(), wire.Metadata(req.GetRequestHeaders()))
	if req.TimeoutMs != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(req.GetTimeoutMs())*time.Millisecond)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k := &call{req: req, c: c, cancel: cancel, res: new(conformancev1.ClientResponseResult)}
	switch req.GetMethod() {
	case "Unary":
		return k.unary(ctx, new(conformancev1.UnaryRequest), func(ctx context.Context, m proto.Message, o ...client.CallOption) (*conformancev1.ConformancePayload, error) {
			r, err := c.Unary(ctx, m.(*conformancev1.UnaryRequest), o...)
			if err != nil {
				return nil, err
			}
			return payload(r), nil
		})
	case "Unimplemented":
		return k.unary(ctx, new(conformancev1.UnimplementedRequest), func(ctx context.Context, m proto.Message, o ...client.CallOption) (*conformancev1.ConformancePayload, error) {
			_, err := c.Unimplemented(ctx, m.(*conformancev1.UnimplementedRequest), o...)
			return nil, err
		})
	case "ServerStream":
		return k.serverStream(ctx)
	case "ClientStream":
		return k.clientStream(ctx)
	case "BidiStream":
		return k.bidiStream(ctx)
	default:
		return nil, fmt.Errorf("method %s is not supported over gRPC", req.GetMethod())
	}
}

// call is one call of the suite under way.
type call struct {
	req    *conformancev1.ClientCompatRequest
	c      *conformancev1.ConformanceServiceClient
	cancel context.CancelFunc
	res    *conformancev1.ClientResponseResult
}

// timing returns when the request asks to cancel: before the close of the
// requests, a delay after it (-1 for none), and after a number of
// responses (0 for none).
func (k *call) timing() (before bool, afterClose time.Duration, afterN int) {
	afterClose = -1
	switch t := k.req.GetCancel().GetCancelTiming().(type) {
	case *conformancev1.ClientCompatRequest_Cancel_BeforeCloseSend:
		before = true
	case *conformancev1.ClientCompatRequest_Cancel_AfterCloseSendMs:
		afterClose = time.Duration(t.AfterCloseSendMs) * time.Millisecond
	case *conformancev1.ClientCompatRequest_Cancel_AfterNumResponses:
		afterN = int(t.AfterNumResponses)
	}
	return before, afterClose, afterN
}

// request returns request message i, unpacked into m.
func (k *call) request(i int, m proto.Message) error {
	msgs := k.req.GetRequestMessages()
	if i >= len(msgs) {
		return fmt.Errorf("request message %d of %d", i, len(msgs))
	}
	return msgs[i].UnmarshalTo(m)
}

func (k *call) fail(err error) {
	if err != nil && !errors.Is(err, io.EOF) && k.res.Error == nil {
		k.res.Error = protoError(err)
	}
}

func (k *call) unary(ctx context.Context, m proto.Message, do func(context.Context, proto.Message, ...client.CallOption) (*conformancev1.ConformancePayload, error)) (*conformancev1.ClientResponseResult, error) {
	if n := len(k.req.GetRequestMessages()); n != 1 {
		return nil, fmt.Errorf("a unary call takes one request message, not %d", n)
	}
	if err := k.request(0, m); err != nil {
		return nil, err
	}
	if _, after, _ := k.timing(); after >= 0 {
		t := time.AfterFunc(after, k.cancel)
		defer t.Stop()
	}
	var hdr, trl grpc.Metadata
	p, err := do(ctx, m, client.ReceiveHeader(&hdr), client.ReceiveTrailer(&trl))
	k.res.ResponseHeaders, k.res.ResponseTrailers = wire.Headers(hdr), wire.Headers(trl)
	if err != nil {
		k.fail(err)
	} else if p != nil {
		k.res.Payloads = append(k.res.Payloads, p)
	}
	return k.res, nil
}

func (k *call) serverStream(ctx context.Context) (*conformancev1.ClientResponseResult, error) {
	if n := len(k.req.GetRequestMessages()); n != 1 {
		return nil, fmt.Errorf("a server-streaming call takes one request message, not %d", n)
	}
	m := new(conformancev1.ServerStreamRequest)
	if err := k.request(0, m); err != nil {
		return nil, err
	}
	_, after, afterN := k.timing()
	st, err := k.c.ServerStream(ctx, m)
	if err != nil {
		k.fail(err)
		return k.res, nil
	}
	if after >= 0 {
		time.Sleep(after)
		k.cancel()
	}
	recvAllOf(k, st, st.Recv, 0, afterN)
	return k.res, nil
}

func (k *call) clientStream(ctx context.Context) (*conformancev1.ClientResponseResult, error) {
	before, after, _ := k.timing()
	st, err := k.c.ClientStream(ctx)
	if err != nil {
		k.fail(err)
		return k.res, nil
	}
	for i := range k.req.GetRequestMessages() {
		m := new(conformancev1.ClientStreamRequest)
		if err := k.request(i, m); err != nil {
			return nil, err
		}
		if err := sleep(ctx, k.req.GetRequestDelayMs()); err != nil {
			break
		}
		if err := st.Send(m); err != nil {
			k.res.NumUnsentRequests = int32(len(k.req.GetRequestMessages()) - i)
			break
		}
	}
	switch {
	case before:
		k.cancel()
	case after >= 0:
		t := time.AfterFunc(after, k.cancel)
		defer t.Stop()
	}
	r, err := st.CloseAndRecv()
	k.headers(st)
	if err != nil {
		k.fail(err)
	} else {
		k.res.Payloads = append(k.res.Payloads, payload(r))
	}
	k.res.ResponseTrailers = wire.Headers(st.Trailer())
	return k.res, nil
}

func (k *call) bidiStream(ctx context.Context) (*conformancev1.ClientResponseResult, error) {
	before, after, afterN := k.timing()
	fullDuplex := k.req.GetStreamType() == conformancev1.StreamType_STREAM_TYPE_FULL_DUPLEX_BIDI_STREAM
	st, err := k.c.BidiStream(ctx)
	if err != nil {
		k.fail(err)
		return k.res, nil
	}
	got := 0
	msgs := k.req.GetRequestMessages()
	for i := range msgs {
		m := new(conformancev1.BidiStreamRequest)
		if err := k.request(i, m); err != nil {
			return nil, err
		}
		if err := sleep(ctx, k.req.GetRequestDelayMs()); err != nil {
			k.res.NumUnsentRequests = int32(len(msgs) - i)
			break
		}
		if err := st.Send(m); err != nil {
			k.res.NumUnsentRequests = int32(len(msgs) - i)
			if _, rerr := st.Recv(); rerr != nil {
				err = rerr
			}
			k.fail(err)
			break
		}
		if fullDuplex {
			r, err := st.Recv()
			if err != nil {
				k.fail(err)
				break
			}
			k.res.Payloads = append(k.res.Payloads, payload(r))
			if got++; got == afterN {
				k.cancel()
			}
		}
	}
	if before {
		k.cancel()
	}
	if err := st.CloseSend(); err != nil {
		k.fail(err)
	}
	if after >= 0 {
		time.Sleep(after)
		k.cancel()
	}
	if k.res.Error != nil {
		k.headers(st)
		k.res.ResponseTrailers = wire.Headers(st.Trailer())
		return k.res, nil
	}
	recvAllOf(k, st, st.Recv, got, afterN)
	return k.res, nil
}

// recvAllOf receives the responses to the end, cancelling the call after
// the afterN-th if afterN is set; got is how many came already. It
// records the headers, the error and the trailers.
func recvAllOf[Res interface {
	GetPayload() *conformancev1.ConformancePayload
}](k *call, st grpc.ClientStream, recv func() (Res, error), got, afterN int) {
	k.headers(st)
	for {
		r, err := recv()
		if err != nil {
			k.fail(err)
			break
		}
		k.res.Payloads = append(k.res.Payloads, payload(r))
		if got++; got == afterN {
			k.cancel()
		}
	}
	k.res.ResponseTrailers = wire.Headers(st.Trailer())
}

// payload is a response's payload; an empty response has an empty one.
func payload(r interface {
	GetPayload() *conformancev1.ConformancePayload
}) *conformancev1.ConformancePayload {
	if p := r.GetPayload(); p != nil {
		return p
	}
	return new(conformancev1.ConformancePayload)
}

// headers records the response headers, once they are in.
func (k *call) headers(st grpc.ClientStream) {
	hdr, err := st.Header()
	if err != nil {
		k.fail(err)
	}
	k.res.ResponseHeaders = wire.Headers(hdr)
}

// protoError is the suite's form of a call's error.
func protoError(err error) *conformancev1.Error {
	s := grpc.StatusOf(err)
	e := &conformancev1.Error{Code: conformancev1.Code(s.Code), Details: s.Details}
	if s.Message != "" {
		e.Message = &s.Message
	}
	return e
}

// sleep waits ms milliseconds or until ctx ends.
func sleep(ctx context.Context, ms uint32) error {
	if ms == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
