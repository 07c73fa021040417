package otelvolo_test

import "github.com/govolo/volo/volo/thrift"

func thriftCall(service, method, addr string) thrift.Call {
	return thrift.Call{Service: service, Method: method, Addr: addr}
}
