// Command volo creates and regenerates Go projects of volo services from
// Thrift IDL, after CloudWeGo's volo-cli and the kitex tool. See README.md,
// or run volo help.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/govolo/volo/cmd/volo/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
