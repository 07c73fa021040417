module github.com/govolo/volo/examples

go 1.25.0

require (
	github.com/govolo/volo/metainfo v0.1.0
	github.com/govolo/volo/motore v0.1.0
	github.com/govolo/volo/volo v0.1.0
)

require go.uber.org/goleak v1.3.0

require github.com/govolo/volo/ext/discovery v0.1.0 // indirect

replace github.com/govolo/volo/motore => ../motore

replace github.com/govolo/volo/volo => ../volo

replace github.com/govolo/volo/metainfo => ../metainfo

replace github.com/govolo/volo/ext/discovery => ../ext/discovery
