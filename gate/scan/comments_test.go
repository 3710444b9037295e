package scan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// An inline suppression counts only inside a comment of the file's
// language, and its reason ends where the comment ends. Each case's text
// has suppressions in comments (the want list: line=reason) and the same
// words in strings, values or code, which must not count.
func TestInlineSuppressionOnlyInComments(t *testing.T) {
	const ig = "tlsgate:ignore TLS001"
	cases := []struct {
		path, text string
		want       []string
	}{
		{"A.cs", "var s = \"" + ig + " in a string\";\n// " + ig + " line comment\n/* " + ig + " block */ x = 1;\nvar v = @\"" + ig + " verbatim\";\n",
			[]string{"2=line comment", "3=block"}},
		{"A.cs", "#pragma warning disable CA5364 // " + ig + " after a directive\n", []string{"1=after a directive"}},
		{"A.vb", "Dim s = \"" + ig + " string\"\n' " + ig + " vb comment\nREM " + ig + " rem comment\n",
			[]string{"2=vb comment", "3=rem comment"}},
		{"A.fs", "let s = \"" + ig + " string\"\n(* " + ig + " fs block *) let x = 1\n// " + ig + " fs line\n",
			[]string{"2=fs block", "3=fs line"}},
		{"A.ps1", "$s = '" + ig + " single'\n$t = \"" + ig + " double\"\n# " + ig + " ps line\n<# " + ig + " ps block #> $x = 1\n",
			[]string{"3=ps line", "4=ps block"}},
		{"web.config", "<add key=\"" + ig + " attr\" />\n<!-- " + ig + " xml comment --> <x/>\n<v>" + ig + " text</v>\n",
			[]string{"2=xml comment"}},
		{"A.csproj", "<!-- " + ig + " msbuild -->\n", []string{"1=msbuild"}},
		{"a.reg", "\"Name\"=\"" + ig + " value;x\"\n; " + ig + " reg comment\n", []string{"2=reg comment"}},
		{"a.cmd", "echo " + ig + " echoed\nREM " + ig + " rem\n:: " + ig + " colons\necho x & rem " + ig + " after\n",
			[]string{"2=rem", "3=colons", "4=after"}},
		{"a.sh", "echo \"# " + ig + " quoted\"\n# " + ig + " shell\nx=1 # " + ig + " trailing\nurl=a#" + ig + " fragment\n",
			[]string{"2=shell", "3=trailing"}},
		{"Dockerfile", "RUN echo '# " + ig + " quoted'\n# " + ig + " docker\n", []string{"2=docker"}},
		{"ci.yml", "name: \"# " + ig + " quoted\"\n# " + ig + " yaml\nrun: |\n  <# " + ig + " ps block #>\n",
			[]string{"2=yaml", "4=ps block"}},
		{"openssl.cnf", "# " + ig + " cnf\nMinProtocol = TLSv1 # " + ig + " cnf trailing\n", []string{"1=cnf", "2=cnf trailing"}},
		{"a.c", "const char *s = \"" + ig + " c string\";\n/* " + ig + " c block */ int x;\n#define X 1 // " + ig + " c define\n",
			[]string{"2=c block", "3=c define"}},
		{"Index.cshtml", "<p>" + ig + " html text</p>\n<!-- " + ig + " html -->\n<%-- " + ig + " asp --%>\n@* " + ig + " razor *@\n@{ var s = \"" + ig + " str\"; // " + ig + " code\n}\n",
			[]string{"2=html", "3=asp", "4=razor", "5=code"}},
		{"appsettings.json", "{ \"k\": \"" + ig + " json string\" // " + ig + " jsonc\n}\n", []string{"1=jsonc"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			f := source.New(c.path, source.KindOf(c.path), c.text, source.UTF8)
			var buf []byte
			sups, _ := fileSuppressions(f, &fileResult{}, &buf)
			var got []string
			for _, s := range sups {
				got = append(got, fmt.Sprintf("%d=%s", s.line, s.reason))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("%s suppressions:\n got %q\nwant %q", c.path, got, c.want)
			}
		})
	}
}
