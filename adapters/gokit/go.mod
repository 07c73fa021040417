module github.com/govolo/volo/adapters/gokit

go 1.25.0

require (
	github.com/go-kit/kit v0.13.0
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/stretchr/testify v1.12.1
	go.opentelemetry.io/otel v1.46.0
	go.opentelemetry.io/otel/trace v1.46.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-kit/log v0.2.0 // indirect
	github.com/go-logfmt/logfmt v0.5.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace (
	github.com/govolo/volo/metainfo => ../../metainfo
	github.com/govolo/volo/motore => ../../motore
)
