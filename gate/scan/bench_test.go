package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkScan scans the tree named by TLSGATE_BENCH_TREE (for example one
// written by bench/gen), or else a generated 200-file tree of C# sources.
func BenchmarkScan(b *testing.B) {
	root := os.Getenv("TLSGATE_BENCH_TREE")
	if root == "" {
		root = b.TempDir()
		body := strings.Repeat("            var result = await _repository.GetByIdAsync(id, cancellationToken).ConfigureAwait(false);\n", 200)
		for i := 0; i < 200; i++ {
			extra := ""
			if i%20 == 0 {
				extra = "            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | SecurityProtocolType.Tls12;\n"
			}
			p := filepath.Join(root, fmt.Sprintf("p%02d", i/20), fmt.Sprintf("S%03d.cs", i))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("class S {\n void M() {\n"+body+extra+" }\n}\n"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	var size int64
	_ = filepath.Walk(root, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			size += info.Size()
		}
		return nil
	})
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Scan(context.Background(), root, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
