module github.com/govolo/volo/examples

go 1.25.0

require (
	github.com/govolo/volo/ext/circuitbreaker v0.1.0
	github.com/govolo/volo/ext/discovery v0.1.0
	github.com/govolo/volo/ext/ratelimit v0.1.0
	github.com/govolo/volo/ext/retry v0.1.0
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/govolo/volo/volo v0.1.0
)

require (
	github.com/stretchr/testify v1.12.1
	go.opentelemetry.io/otel/sdk v1.46.0
	go.opentelemetry.io/otel/sdk/metric v1.46.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.46.0 // indirect
	go.opentelemetry.io/otel/metric v1.46.0 // indirect
	go.opentelemetry.io/otel/trace v1.46.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

require (
	github.com/govolo/volo/ext/tracing v0.1.0
	github.com/govolo/volo/volo/otelvolo v0.1.0
	github.com/sony/gobreaker/v2 v2.4.0 // indirect
	golang.org/x/time v0.15.0
)

replace github.com/govolo/volo/motore => ../motore

replace github.com/govolo/volo/volo => ../volo

replace github.com/govolo/volo/metainfo => ../metainfo

replace github.com/govolo/volo/ext/discovery => ../ext/discovery

replace github.com/govolo/volo/ext/circuitbreaker => ../ext/circuitbreaker

replace github.com/govolo/volo/ext/ratelimit => ../ext/ratelimit

replace github.com/govolo/volo/ext/retry => ../ext/retry

replace github.com/govolo/volo/ext/tracing => ../ext/tracing

replace github.com/govolo/volo/volo/otelvolo => ../volo/otelvolo
