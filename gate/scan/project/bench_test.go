package project

import (
	"context"
	"fmt"
	"testing"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// BenchmarkAnalyze models a large solution: 400 projects (web apps, exes,
// libraries) with configs, transforms, .reg files and 20 code files each.
func BenchmarkAnalyze(b *testing.B) {
	var files []*source.File
	add := func(p, text string) { files = append(files, source.New(p, source.KindOf(p), text, source.UTF8)) }
	for i := 0; i < 400; i++ {
		dir := fmt.Sprintf("src/P%03d", i)
		switch i % 3 {
		case 0:
			add(dir+"/P.csproj", fmt.Sprintf(`<Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><ProjectTypeGuids>{349c5851-65df-11da-9384-00065b846f21}</ProjectTypeGuids><OutputType>Library</OutputType><TargetFrameworkVersion>v4.%d</TargetFrameworkVersion></PropertyGroup><ItemGroup><Compile Include="**\*.cs" /><ProjectReference Include="..\P%03d\P.csproj" /></ItemGroup></Project>`, 5+i%4, (i+1)%400))
			add(dir+"/Web.config", `<configuration><appSettings><add key="Url" value="https://x.example.com/"/></appSettings><system.web><compilation targetFramework="4.5"/><httpRuntime/></system.web></configuration>`)
			add(dir+"/Web.Release.config", `<configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform"><system.web><httpRuntime targetFramework="4.8" xdt:Transform="SetAttributes"/></system.web></configuration>`)
		case 1:
			add(dir+"/P.csproj", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFrameworks>net48;net462</TargetFrameworks></PropertyGroup></Project>`)
			add(dir+"/App.config", `<configuration><runtime><AppContextSwitchOverrides value="Switch.System.Net.DontEnableSystemDefaultTlsVersions=false"/></runtime></configuration>`)
		default:
			add(dir+"/P.csproj", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net452</TargetFramework></PropertyGroup></Project>`)
		}
		add(dir+"/deploy/tls.reg", "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\"SchUseStrongCrypto\"=dword:00000001\r\n")
		for j := 0; j < 20; j++ {
			add(fmt.Sprintf("%s/C%02d.cs", dir, j), "class C {}")
		}
	}
	var facts []source.Fact
	for i := 0; i < 2000; i++ {
		facts = append(facts, source.Fact{Kind: source.ProtocolAssign, Location: source.New(fmt.Sprintf("src/P%03d/C%02d.cs", i%400, i%20), source.CSharp, "", source.UTF8).Range(0, 0)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := Analyze(context.Background(), Input{Files: files, Facts: facts})
		if len(r.Applications) == 0 {
			b.Fatal("no applications")
		}
	}
}
