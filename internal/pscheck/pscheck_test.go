package pscheck

import (
	"os"
	"strings"
	"testing"
)

func TestAcceptsValidScript(t *testing.T) {
	CheckText(t, "ok.ps1", "[CmdletBinding(SupportsShouldProcess = $true)]\r\nparam(\r\n    [string]$Path = ''\r\n)\r\n$x = @{ A = 1 }\r\ntry { Write-Host $x.A } catch { exit 1 }\r\n")
}

func TestFindsErrors(t *testing.T) {
	if _, err := NodeModules(); err != nil {
		CheckText(t, "skip.ps1", "") // skips (or fails under CI) with the reason
		return
	}
	for name, src := range map[string]string{
		"paren.ps1":  "Write-Host (1 + 2\n",
		"brace.ps1":  "if ($true) {\n  Write-Host 1\n",
		"string.ps1": "$a = 'unterminated\n",
		"extra.ps1":  "Write-Host 1\n}\n",
	} {
		dir := t.TempDir()
		path := dir + "/" + name
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		problems, err := Run(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) == 0 || !strings.Contains(problems[0], name+":") {
			t.Errorf("%s: no problem reported for %q (got %v)", name, src, problems)
		}
	}
}
