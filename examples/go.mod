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

require go.uber.org/goleak v1.3.0

require (
	github.com/sony/gobreaker/v2 v2.4.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace github.com/govolo/volo/motore => ../motore

replace github.com/govolo/volo/volo => ../volo

replace github.com/govolo/volo/metainfo => ../metainfo

replace github.com/govolo/volo/ext/discovery => ../ext/discovery

replace github.com/govolo/volo/ext/circuitbreaker => ../ext/circuitbreaker

replace github.com/govolo/volo/ext/ratelimit => ../ext/ratelimit

replace github.com/govolo/volo/ext/retry => ../ext/retry
