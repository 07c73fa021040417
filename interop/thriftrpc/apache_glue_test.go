package thriftrpc_test

import (
	"context"
	"strings"

	athrift "github.com/apache/thrift/lib/go/thrift"
)

// The Echo service on Apache's side, written by hand against TProtocol as
// Apache's generator would write it.

type echoArgs struct{ Msg string }

func (a *echoArgs) Write(ctx context.Context, p athrift.TProtocol) error {
	if err := p.WriteStructBegin(ctx, "echo_args"); err != nil {
		return err
	}
	if err := p.WriteFieldBegin(ctx, "msg", athrift.STRING, 1); err != nil {
		return err
	}
	if err := p.WriteString(ctx, a.Msg); err != nil {
		return err
	}
	if err := p.WriteFieldEnd(ctx); err != nil {
		return err
	}
	if err := p.WriteFieldStop(ctx); err != nil {
		return err
	}
	return p.WriteStructEnd(ctx)
}

func (a *echoArgs) Read(ctx context.Context, p athrift.TProtocol) error {
	return readFields(ctx, p, func(id int16, t athrift.TType) (bool, error) {
		if id != 1 || t != athrift.STRING {
			return false, nil
		}
		var err error
		a.Msg, err = p.ReadString(ctx)
		return true, err
	})
}

type echoResult struct{ Success *string }

func (r *echoResult) Write(ctx context.Context, p athrift.TProtocol) error {
	if err := p.WriteStructBegin(ctx, "echo_result"); err != nil {
		return err
	}
	if r.Success != nil {
		if err := p.WriteFieldBegin(ctx, "success", athrift.STRING, 0); err != nil {
			return err
		}
		if err := p.WriteString(ctx, *r.Success); err != nil {
			return err
		}
		if err := p.WriteFieldEnd(ctx); err != nil {
			return err
		}
	}
	if err := p.WriteFieldStop(ctx); err != nil {
		return err
	}
	return p.WriteStructEnd(ctx)
}

func (r *echoResult) Read(ctx context.Context, p athrift.TProtocol) error {
	return readFields(ctx, p, func(id int16, t athrift.TType) (bool, error) {
		if id != 0 || t != athrift.STRING {
			return false, nil
		}
		s, err := p.ReadString(ctx)
		r.Success = &s
		return true, err
	})
}

// readFields reads a struct, handing each field to read, which reports
// whether it consumed it; the others are skipped.
func readFields(ctx context.Context, p athrift.TProtocol, read func(id int16, t athrift.TType) (bool, error)) error {
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return err
		}
		if t == athrift.STOP {
			break
		}
		ok, err := read(id, t)
		if err != nil {
			return err
		}
		if !ok {
			if err := p.Skip(ctx, t); err != nil {
				return err
			}
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return err
		}
	}
	return p.ReadStructEnd(ctx)
}

// echoProcessor is a hand-written TProcessor for Echo: upper-cases the
// message, as the volo test server does.
type echoProcessor struct{}

func (echoProcessor) Process(ctx context.Context, in, out athrift.TProtocol) (bool, athrift.TException) {
	name, _, seq, err := in.ReadMessageBegin(ctx)
	if err != nil {
		return false, athrift.WrapTException(err)
	}
	if name != "echo" {
		in.Skip(ctx, athrift.STRUCT)
		in.ReadMessageEnd(ctx)
		ex := athrift.NewTApplicationException(athrift.UNKNOWN_METHOD, "unknown method "+name)
		out.WriteMessageBegin(ctx, name, athrift.EXCEPTION, seq)
		ex.Write(ctx, out)
		out.WriteMessageEnd(ctx)
		out.Flush(ctx)
		return true, ex
	}
	var args echoArgs
	if err := args.Read(ctx, in); err != nil {
		return false, athrift.WrapTException(err)
	}
	in.ReadMessageEnd(ctx)
	s := strings.ToUpper(args.Msg)
	res := echoResult{Success: &s}
	if err := out.WriteMessageBegin(ctx, name, athrift.REPLY, seq); err != nil {
		return false, athrift.WrapTException(err)
	}
	if err := res.Write(ctx, out); err != nil {
		return false, athrift.WrapTException(err)
	}
	if err := out.WriteMessageEnd(ctx); err != nil {
		return false, athrift.WrapTException(err)
	}
	return true, athrift.WrapTException(out.Flush(ctx))
}

func (echoProcessor) ProcessorMap() map[string]athrift.TProcessorFunction { return nil }

func (echoProcessor) AddToProcessorMap(string, athrift.TProcessorFunction) {}
