package rpc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"
)

var conf = &athrift.TConfiguration{ConnectTimeout: 5 * time.Second, SocketTimeout: 30 * time.Second}

// startApache serves Echo with Apache's TSimpleServer, Framed+Binary,
// until the test or benchmark ends.
func startApache(b testing.TB) (addr string) {
	b.Helper()
	sock, err := athrift.NewTServerSocket("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if err := sock.Listen(); err != nil {
		b.Fatal(err)
	}
	srv := athrift.NewTSimpleServer4(echoProcessor{}, sock,
		athrift.NewTFramedTransportFactoryConf(athrift.NewTTransportFactory(), conf), athrift.NewTBinaryProtocolFactoryConf(conf))
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve()
	}()
	b.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return sock.Addr().String()
}

// The Echo glue on Apache's side, by hand against TProtocol.

type echoArgs struct{ Msg string }

func (a *echoArgs) Write(ctx context.Context, p athrift.TProtocol) error {
	p.WriteStructBegin(ctx, "echo_args")
	p.WriteFieldBegin(ctx, "msg", athrift.STRING, 1)
	p.WriteString(ctx, a.Msg)
	p.WriteFieldEnd(ctx)
	p.WriteFieldStop(ctx)
	return p.WriteStructEnd(ctx)
}

func (a *echoArgs) Read(ctx context.Context, p athrift.TProtocol) error {
	return readString(ctx, p, 1, func(s string) { a.Msg = s })
}

type echoResult struct{ Success *string }

func (r *echoResult) Write(ctx context.Context, p athrift.TProtocol) error {
	p.WriteStructBegin(ctx, "echo_result")
	if r.Success != nil {
		p.WriteFieldBegin(ctx, "success", athrift.STRING, 0)
		p.WriteString(ctx, *r.Success)
		p.WriteFieldEnd(ctx)
	}
	p.WriteFieldStop(ctx)
	return p.WriteStructEnd(ctx)
}

func (r *echoResult) Read(ctx context.Context, p athrift.TProtocol) error {
	return readString(ctx, p, 0, func(s string) { r.Success = &s })
}

func readString(ctx context.Context, p athrift.TProtocol, want int16, set func(string)) error {
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if t == athrift.STOP {
			return p.ReadStructEnd(ctx)
		}
		if id == want && t == athrift.STRING {
			s, err := p.ReadString(ctx)
			if err != nil {
				return err
			}
			set(s)
		} else if err := p.Skip(ctx, t); err != nil {
			return err
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return err
		}
	}
}

type echoProcessor struct{}

func (echoProcessor) Process(ctx context.Context, in, out athrift.TProtocol) (bool, athrift.TException) {
	name, _, seq, err := in.ReadMessageBegin(ctx)
	if err != nil {
		return false, athrift.WrapTException(err)
	}
	var args echoArgs
	if err := args.Read(ctx, in); err != nil {
		return false, athrift.WrapTException(err)
	}
	in.ReadMessageEnd(ctx)
	res := echoResult{Success: &args.Msg}
	out.WriteMessageBegin(ctx, name, athrift.REPLY, seq)
	res.Write(ctx, out)
	out.WriteMessageEnd(ctx)
	return true, athrift.WrapTException(out.Flush(ctx))
}

func (echoProcessor) ProcessorMap() map[string]athrift.TProcessorFunction { return nil }

func (echoProcessor) AddToProcessorMap(string, athrift.TProcessorFunction) {}

// grpc-go with raw bytes as messages, so no protobuf code is needed.

type rawCodecV2 struct{}

func (rawCodecV2) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, errors.New("raw codec: not *[]byte")
	}
	return mem.BufferSlice{mem.SliceBuffer(*b)}, nil
}

func (rawCodecV2) Unmarshal(data mem.BufferSlice, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return errors.New("raw codec: not *[]byte")
	}
	*b = data.Materialize()
	return nil
}

func (rawCodecV2) Name() string { return "raw" }

var grpcEchoDesc = grpc.ServiceDesc{
	ServiceName: "echo.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var in []byte
			if err := dec(&in); err != nil {
				return nil, err
			}
			return &in, nil
		},
	}},
}
