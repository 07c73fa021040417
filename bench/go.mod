module github.com/govolo/volo/bench

go 1.26.0

require (
	connectrpc.com/connect v1.20.0
	github.com/apache/thrift v0.25.0
	github.com/cloudwego/gopkg v0.1.4
	github.com/failsafe-go/failsafe-go v0.9.8
	github.com/go-kit/kit v0.13.0
	github.com/govolo/volo/ext/discovery v0.1.0
	github.com/govolo/volo/ext/ratelimit v0.1.0
	github.com/govolo/volo/ext/retry v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/govolo/volo/volo/grpc v0.1.0
	github.com/grpc-ecosystem/go-grpc-middleware v1.4.0
	github.com/sony/gobreaker/v2 v2.4.0
	github.com/stretchr/testify v1.12.1
	go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc v0.71.0
	go.opentelemetry.io/otel v1.46.0
	go.opentelemetry.io/otel/metric v1.46.0
	go.opentelemetry.io/otel/sdk v1.46.0
	go.opentelemetry.io/otel/sdk/metric v1.46.0
	go.opentelemetry.io/otel/trace v1.46.0
	golang.org/x/time v0.15.0
	google.golang.org/grpc v1.85.0
)

require (
	github.com/bits-and-blooms/bitset v1.24.4 // indirect
	github.com/bytedance/gopkg v0.1.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-kit/log v0.2.0 // indirect
	github.com/go-logfmt/logfmt v0.5.1 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

require (
	github.com/afex/hystrix-go v0.0.0-20180502004556-fa1af6a1f4f5 // indirect
	github.com/smartystreets/goconvey v1.8.1 // indirect
	github.com/sony/gobreaker v1.0.0
	github.com/streadway/handy v0.0.0-20200128134331-0f66f006fb2e // indirect
)

require (
	github.com/govolo/volo/adapters/connect v0.1.0
	github.com/govolo/volo/adapters/gokit v0.1.0
	github.com/govolo/volo/adapters/grpc v0.1.0
	github.com/govolo/volo/adapters/http v0.1.0
	github.com/govolo/volo/ext/circuitbreaker v0.1.0
	github.com/govolo/volo/ext/tracing v0.1.0
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/pilota v0.1.0
	github.com/govolo/volo/volo v0.1.0
	golang.org/x/net v0.60.0
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261110000943-09e21b237f2c // indirect
	google.golang.org/protobuf v1.36.12
)

replace (
	github.com/govolo/volo/ext/circuitbreaker => ../ext/circuitbreaker
	github.com/govolo/volo/ext/discovery => ../ext/discovery
	github.com/govolo/volo/ext/ratelimit => ../ext/ratelimit
	github.com/govolo/volo/motore => ../motore
)

replace github.com/govolo/volo/ext/tracing => ../ext/tracing

replace github.com/govolo/volo/metainfo => ../metainfo

replace github.com/govolo/volo/volo => ../volo

replace github.com/govolo/volo/pilota => ../pilota

replace github.com/govolo/volo/adapters/grpc => ../adapters/grpc

replace github.com/govolo/volo/adapters/connect => ../adapters/connect

replace github.com/govolo/volo/adapters/http => ../adapters/http

replace github.com/govolo/volo/adapters/gokit => ../adapters/gokit

replace github.com/govolo/volo/ext/retry => ../ext/retry

replace github.com/govolo/volo/volo/grpc => ../volo/grpc
