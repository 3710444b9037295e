using System.Reflection;

[assembly: AssemblyTitle("LedgerExport")]
[assembly: AssemblyProduct("LedgerExport")]
[assembly: AssemblyVersion("2.3.0.0")]
