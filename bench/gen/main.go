// Command gen writes a synthetic .NET repository tree for bench/scan.sh:
// C# and VB sources, PowerShell scripts, configs and project files with a
// fixed seed and a stated density of lines that match the scanner's rules.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
)

var positives = []string{
	"            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12;",
	"            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls12;",
	"            ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;",
	"            ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;",
	"            AppContext.SetSwitch(\"Switch.System.Net.DontEnableSchUseStrongCrypto\", true);",
	"            ssl.AuthenticateAsClient(host, null, SslProtocols.Tls, false);",
}

var negatives = []string{
	"            if (ServicePointManager.SecurityProtocol.HasFlag(SecurityProtocolType.Tls)) { Log(\"tls\"); }",
	"            ServicePointManager.SecurityProtocol &= ~(SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls);",
	"            // ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;",
	"            var certificateName = store.Certificates[0].Subject;",
}

var filler = []string{
	"            var result = await _repository.GetByIdAsync(id, cancellationToken).ConfigureAwait(false);",
	"            if (result == null) { throw new ArgumentNullException(nameof(result)); }",
	"            _logger.LogInformation(\"Processing order {OrderId} for customer {CustomerId}\", order.Id, order.CustomerId);",
	"            foreach (var item in order.Items.Where(i => i.Quantity > 0)) { total += item.Price * item.Quantity; }",
	"            return new OrderSummary { Id = order.Id, Total = total, Currency = \"EUR\", Created = DateTime.UtcNow };",
	"            // Validate the input before hitting the database; see ADR-0042 for the retry policy.",
	"            using (var connection = new SqlConnection(_connectionString)) { connection.Open(); }",
	"            string query = @\"SELECT Id, Name, Price FROM Products WHERE CategoryId = @categoryId ORDER BY Name\";",
	"            var client = _httpClientFactory.CreateClient(\"catalog\");",
	"            var response = await client.GetAsync($\"api/products/{id}\", cancellationToken);",
}

// visualStudioGitignore is a realistic root .gitignore (the scanner honours it).
const visualStudioGitignore = `## Visual Studio .gitignore (subset of the standard template)
*.rsuser
*.suo
*.user
*.userosscache
*.sln.docstates
[Dd]ebug/
[Dd]ebugPublic/
[Rr]elease/
[Rr]eleases/
x64/
x86/
[Ww][Ii][Nn]32/
[Aa][Rr][Mm]/
[Aa][Rr][Mm]64/
bld/
[Bb]in/
[Oo]bj/
[Ll]og/
[Ll]ogs/
.vs/
[Tt]est[Rr]esult*/
[Bb]uild[Ll]og.*
*.VisualState.xml
TestResult.xml
nunit-*.xml
BenchmarkDotNet.Artifacts/
project.lock.json
artifacts/
*_i.c
*_p.c
*_h.h
*.ilk
*.meta
*.obj
*.pch
*.pdb
*.pgc
*.pgd
*.rsp
*.sbr
*.tlb
*.tli
*.tlh
*.tmp
*.tmp_proj
*_wpftmp.csproj
*.log
*.tlog
*.vspscc
*.vssscc
.builds
*.pidb
*.svclog
*.scc
_Chutzpah*
ipch/
*.aps
*.ncb
*.opendb
*.opensdf
*.sdf
*.cachefile
*.VC.db
*.psess
*.vsp
*.vspx
*.sap
_ReSharper*/
*.[Rr]e[Ss]harper
*.DotSettings.user
_TeamCity*
*.dotCover
.axoCover/*
!.axoCover/settings.json
coverage*.json
coverage*.xml
*.coverage
*.coveragexml
_NCrunch_*
.*crunch*.local.xml
nCrunchTemp_*
*.mm.*
AutoTest.Net/
publish/
*.[Pp]ublish.xml
*.azurePubxml
*.pubxml
*.publishproj
PublishScripts/
*.nupkg
*.snupkg
**/[Pp]ackages/*
!**/[Pp]ackages/build/
*.nuget.props
*.nuget.targets
csx/
*.build.csdef
AppPackages/
BundleArtifacts/
*.appx
*.appxbundle
*.[Cc]ache
!?*.[Cc]ache/
ClientBin/
~$*
*~
*.dbmdl
*.pfx
*.publishsettings
orleans.codegen.cs
Generated_Code/
_UpgradeReport_Files/
Backup*/
UpgradeLog*.XML
*.mdf
*.ldf
FakesAssemblies/
*.GhostDoc.xml
node_modules/
*.plg
*.opt
*.vbw
**/*.HTMLClient/GeneratedArtifacts
paket-files/
.fake/
__pycache__/
*.pyc
*.btp.cs
*.btm.cs
*.odx.cs
*.xsd.cs
OpenCover/
*.binlog
.mfractor/
.localhistory/
MigrationBackup/
.ionide/
`

func main() {
	out := flag.String("out", "bench-tree", "output directory")
	size := flag.Int64("size", 200<<20, "total bytes to write")
	seed := flag.Int64("seed", 1, "random seed")
	density := flag.Float64("density", 0.002, "fraction of lines that mention a rule anchor (half positives, half negatives)")
	flag.Parse()
	r := rand.New(rand.NewSource(*seed))
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, ".gitignore"), []byte(visualStudioGitignore), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var total int64
	var files, matches int
	for n := 0; total < *size; n++ {
		dir := filepath.Join(*out, fmt.Sprintf("src/Project%03d/Module%02d", n/200, (n/20)%10))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var name string
		switch n % 50 {
		case 0:
			name = filepath.Join(dir, "App.config")
			total += writeFile(name, func(w *bufio.Writer) {
				fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <startup><supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.7.2\" /></startup>\n  <appSettings>\n")
				for i := 0; i < 200; i++ {
					fmt.Fprintf(w, "    <add key=\"Setting%d\" value=\"%d\" />\n", i, r.Intn(100000))
				}
				fmt.Fprintf(w, "  </appSettings>\n</configuration>\n")
			})
		case 1:
			name = filepath.Join(dir, "Deploy.ps1")
			total += writeFile(name, func(w *bufio.Writer) {
				for i := 0; i < 400; i++ {
					if r.Float64() < *density {
						matches++
						fmt.Fprintln(w, "[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12")
						continue
					}
					fmt.Fprintf(w, "Write-Host \"Deploying step %d to $env:COMPUTERNAME\"\nCopy-Item -Path .\\out\\%d -Destination $target -Recurse -Force\n", i, i)
				}
			})
		default:
			name = filepath.Join(dir, fmt.Sprintf("Service%05d.cs", n))
			total += writeFile(name, func(w *bufio.Writer) {
				fmt.Fprintf(w, "using System;\nusing System.Net;\nusing System.Threading.Tasks;\n\nnamespace Contoso.Project%03d\n{\n    public class Service%05d\n    {\n", n/200, n)
				nm := 2 + r.Intn(10)
				for m := 0; m < nm; m++ {
					fmt.Fprintf(w, "        public async Task<int> Method%d(int id, CancellationToken cancellationToken)\n        {\n", m)
					for l := 0; l < 25; l++ {
						x := r.Float64()
						switch {
						case x < *density/2:
							matches++
							fmt.Fprintln(w, positives[r.Intn(len(positives))])
						case x < *density:
							matches++
							fmt.Fprintln(w, negatives[r.Intn(len(negatives))])
						default:
							fmt.Fprintln(w, filler[r.Intn(len(filler))])
						}
					}
					fmt.Fprintf(w, "            return id;\n        }\n\n")
				}
				fmt.Fprintf(w, "    }\n}\n")
			})
		}
		files++
	}
	fmt.Printf("wrote %d files, %d bytes, %d anchor lines (density %.4f, seed %d) to %s\n", files, total, matches, *density, *seed, *out)
}

func writeFile(name string, body func(*bufio.Writer)) int64 {
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	body(w)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}
