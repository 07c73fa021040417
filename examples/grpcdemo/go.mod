module github.com/govolo/volo/examples/grpcdemo

go 1.26.0

replace (
	github.com/govolo/volo/adapters/grpc => ../../adapters/grpc
	github.com/govolo/volo/ext/circuitbreaker => ../../ext/circuitbreaker
	github.com/govolo/volo/ext/ratelimit => ../../ext/ratelimit
	github.com/govolo/volo/ext/tracing => ../../ext/tracing
	github.com/govolo/volo/metainfo => ../../metainfo
	github.com/govolo/volo/motore => ../../motore
)

require (
	github.com/govolo/volo/adapters/grpc v0.1.0
	github.com/govolo/volo/ext/circuitbreaker v0.1.0
	github.com/govolo/volo/ext/ratelimit v0.1.0
	github.com/govolo/volo/ext/tracing v0.1.0
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	go.opentelemetry.io/otel/sdk v1.46.0
	go.uber.org/goleak v1.3.0
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/sony/gobreaker/v2 v2.4.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.46.0 // indirect
	go.opentelemetry.io/otel/metric v1.46.0 // indirect
	go.opentelemetry.io/otel/trace v1.46.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	golang.org/x/time v0.15.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
)
