// Command tlsgate is the pre-deploy TLS gate and Windows package generator.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/tlsgate/tlsgate/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
